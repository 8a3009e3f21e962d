import JSONLines

extension Tokenizer {
    /// This tokenizer as a Hugging Face `tokenizer.json` (pretty enough to diff: one merge or
    /// vocabulary entry per line, vocabulary in id order). Written for byte-level tokenizers,
    /// which is what `ipt tokenizer train` makes; `Tokenizer(json:)` reads it back and HF
    /// `tokenizers` loads it.
    ///
    ///     let text = try tokenizer.jsonText()
    ///     try Tokenizer(json: Array(text.utf8), origin: "round trip").encode("hi")
    public func jsonText() throws -> String {
        guard case let .byteLevel(addPrefixSpace, useRegex) = preTokenizer, decoder == .byteLevel, normalizers.isEmpty else {
            throw TokenizerError.unsupported(origin: "tokenizer", field: "pre_tokenizer", value: "for writing (only byte-level tokenizers are written; export the stored JSON instead)")
        }
        func quoted(_ text: String) -> String {
            var writer = JSONWriter()
            writer.string(text)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        var out = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (index, token) in addedTokens.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            out += "    {\"id\": \(token.id), \"content\": \(quoted(token.content)), \"single_word\": false, \"lstrip\": false, "
            out += "\"rstrip\": false, \"normalized\": \(token.normalized), \"special\": \(token.special)}"
        }
        out += addedTokens.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"normalizer\": null,\n"
        out += "  \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": \(addPrefixSpace), \"trim_offsets\": true, \"use_regex\": \(useRegex)},\n"
        out += "  \"post_processor\": null,\n"
        out += "  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true},\n"
        out += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n"
        out += "    \"unk_token\": \(unknownTokenId.flatMap { tokens[Int($0)] }.map(quoted) ?? "null"),\n"
        out += "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n"
        out += "    \"fuse_unk\": \(fuseUnknown),\n    \"byte_fallback\": \(byteFallback),\n    \"ignore_merges\": \(ignoreMerges),\n"
        out += "    \"vocab\": {"
        for (index, entry) in vocabulary.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            out += "      \(quoted(entry.token)): \(entry.id)"
        }
        out += vocabulary.isEmpty ? "},\n" : "\n    },\n"
        out += "    \"merges\": ["
        for (index, merge) in mergeList.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            out += "      [\(quoted(merge.0)), \(quoted(merge.1))]"
        }
        out += mergeList.isEmpty ? "]\n" : "\n    ]\n"
        out += "  }\n}\n"
        return out
    }
}
