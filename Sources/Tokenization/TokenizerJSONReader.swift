import JSONLines

extension Tokenizer {
    /// Reads a Hugging Face `tokenizer.json` (the bytes of the file). `origin` names the file
    /// in error messages. Fields that would change the ids and are not supported are errors
    /// that name the field, never silently ignored.
    ///
    ///     let tokenizer = try Tokenizer(json: Array(data), origin: "mistral/tokenizer.json")
    public convenience init(json bytes: [UInt8], origin: String) throws {
        let root: JSONValue
        do {
            root = try JSONParser.parse(line: bytes)
        } catch {
            throw TokenizerError.invalidJSON(origin: origin, offset: error.offset, message: error.message)
        }
        let reader = TokenizerJSONReader(origin: origin)
        try self.init(reading: root, with: reader)
    }

    private convenience init(reading root: JSONValue, with r: TokenizerJSONReader) throws {
        guard case .object = root else {
            throw TokenizerError.wrongType(origin: r.origin, field: "(top level)", expected: "an object", found: root.kindDescription)
        }
        for field in ["truncation", "padding"] {
            if let value = root[field], value != .null {
                throw TokenizerError.unsupported(origin: r.origin, field: field, value: "(non-null); set it to null")
            }
        }
        let model = try r.object(root, "model")
        let modelType = try r.optionalString(model, "type", path: "model.type") ?? "BPE"
        guard modelType == "BPE" else {
            throw TokenizerError.unsupported(origin: r.origin, field: "model.type", value: "\"\(modelType)\"")
        }
        if let dropout = model["dropout"], dropout != .null {
            throw TokenizerError.unsupported(origin: r.origin, field: "model.dropout", value: "(non-null)")
        }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = try r.optionalString(model, field, path: "model.\(field)"), !value.isEmpty {
                throw TokenizerError.unsupported(origin: r.origin, field: "model.\(field)", value: "\"\(value)\"")
            }
        }
        let vocabulary = try r.vocabulary(try r.object(model, "vocab", path: "model.vocab"))
        let merges = try r.merges(model["merges"] ?? .array([]))
        let addedTokens = try r.addedTokens(root["added_tokens"] ?? .array([]))
        let normalizers = try r.normalizers(root["normalizer"] ?? .null, path: "normalizer")
        let preTokenizer = try r.preTokenizer(root["pre_tokenizer"] ?? .null, path: "pre_tokenizer")
        if case .byteLevel = preTokenizer, !normalizers.isEmpty {
            throw TokenizerError.unsupported(origin: r.origin, field: "normalizer", value: "together with a ByteLevel pre-tokenizer")
        }
        let decoder = try r.decoder(root["decoder"] ?? .null, path: "decoder")
        let (prefix, suffix) = try r.template(root["post_processor"] ?? .null, path: "post_processor")
        try self.init(
            vocabulary: vocabulary, merges: merges, addedTokens: addedTokens, normalizers: normalizers,
            preTokenizer: preTokenizer, decoder: decoder,
            unknownToken: try r.optionalString(model, "unk_token", path: "model.unk_token"),
            byteFallback: try r.bool(model, "byte_fallback", path: "model.byte_fallback", default: false),
            fuseUnknown: try r.bool(model, "fuse_unk", path: "model.fuse_unk", default: false),
            ignoreMerges: try r.bool(model, "ignore_merges", path: "model.ignore_merges", default: false),
            templatePrefix: prefix, templateSuffix: suffix, origin: r.origin)
    }
}

/// Field access with errors that name the file and the field's path.
struct TokenizerJSONReader {
    let origin: String

    func object(_ parent: JSONValue, _ key: String, path: String? = nil) throws -> JSONValue {
        guard let value = parent[key] else { throw TokenizerError.missingField(origin: origin, field: path ?? key) }
        guard case .object = value else {
            throw TokenizerError.wrongType(origin: origin, field: path ?? key, expected: "an object", found: value.kindDescription)
        }
        return value
    }

    func string(_ parent: JSONValue, _ key: String, path: String) throws -> String {
        guard let value = try optionalString(parent, key, path: path) else {
            throw TokenizerError.missingField(origin: origin, field: path)
        }
        return value
    }

    func optionalString(_ parent: JSONValue, _ key: String, path: String) throws -> String? {
        guard let value = parent[key], value != .null else { return nil }
        guard let string = value.stringValue else {
            throw TokenizerError.wrongType(origin: origin, field: path, expected: "a string", found: value.kindDescription)
        }
        return string
    }

    func bool(_ parent: JSONValue, _ key: String, path: String, default defaultValue: Bool) throws -> Bool {
        guard let value = parent[key], value != .null else { return defaultValue }
        guard let bool = value.boolValue else {
            throw TokenizerError.wrongType(origin: origin, field: path, expected: "true or false", found: value.kindDescription)
        }
        return bool
    }

    func integer(_ parent: JSONValue, _ key: String, path: String) throws -> Int {
        guard let value = parent[key] else { throw TokenizerError.missingField(origin: origin, field: path) }
        guard let int = value.intValue else {
            throw TokenizerError.wrongType(origin: origin, field: path, expected: "an integer", found: value.kindDescription)
        }
        return int
    }

    func id(_ value: JSONValue, path: String) throws -> UInt32 {
        guard let int = value.intValue, int >= 0 else {
            throw TokenizerError.wrongType(origin: origin, field: path, expected: "a token id (a non-negative integer)", found: value.kindDescription)
        }
        // The tokenizer keeps a table indexed by id: an id near 2^32 would allocate tens of GB.
        guard int < Tokenizer.maximumVocabularySize else {
            throw TokenizerError.invalidValue(origin: origin, field: path,
                                              message: "token id \(int) is not below \(Tokenizer.maximumVocabularySize), the largest vocabulary this tokenizer accepts")
        }
        return UInt32(int)
    }

    func vocabulary(_ vocab: JSONValue) throws -> [(String, UInt32)] {
        guard case let .object(members) = vocab else { return [] }
        return try members.map { token, value in (token, try id(value, path: "model.vocab[\"\(token)\"]")) }
    }

    /// Merges as `"a b"` strings or `["a", "b"]` pairs.
    func merges(_ value: JSONValue) throws -> [(String, String)] {
        guard let elements = value.arrayValue else {
            throw TokenizerError.wrongType(origin: origin, field: "model.merges", expected: "an array", found: value.kindDescription)
        }
        return try elements.enumerated().map { index, element in
            if let line = element.stringValue {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw TokenizerError.invalidValue(origin: origin, field: "model.merges[\(index)]",
                                                      message: "\"\(line)\" is not two tokens separated by one space")
                }
                return (String(parts[0]), String(parts[1]))
            }
            if let pair = element.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                return (a, b)
            }
            throw TokenizerError.wrongType(origin: origin, field: "model.merges[\(index)]",
                                           expected: "\"a b\" or [\"a\", \"b\"]", found: element.kindDescription)
        }
    }

    func addedTokens(_ value: JSONValue) throws -> [AddedToken] {
        guard let elements = value.arrayValue else {
            throw TokenizerError.wrongType(origin: origin, field: "added_tokens", expected: "an array", found: value.kindDescription)
        }
        return try elements.enumerated().map { index, element in
            let path = "added_tokens[\(index)]"
            guard let idValue = element["id"] else { throw TokenizerError.missingField(origin: origin, field: path + ".id") }
            for flag in ["single_word", "lstrip", "rstrip"] where try bool(element, flag, path: "\(path).\(flag)", default: false) {
                throw TokenizerError.unsupported(origin: origin, field: "\(path).\(flag)", value: "true")
            }
            return AddedToken(
                id: try id(idValue, path: path + ".id"),
                content: try string(element, "content", path: path + ".content"),
                special: try bool(element, "special", path: path + ".special", default: false),
                normalized: try bool(element, "normalized", path: path + ".normalized", default: false))
        }
    }

    func type(_ value: JSONValue, path: String) throws -> String {
        try string(value, "type", path: path + ".type")
    }

    func normalizers(_ value: JSONValue, path: String) throws -> [NormalizerStep] {
        if value == .null { return [] }
        switch try type(value, path: path) {
        case "Sequence":
            guard let list = value["normalizers"]?.arrayValue else { throw TokenizerError.missingField(origin: origin, field: path + ".normalizers") }
            return try list.enumerated().flatMap { try normalizers($1, path: "\(path).normalizers[\($0)]") }
        case "Prepend":
            return [.prepend(try string(value, "prepend", path: path + ".prepend"))]
        case "Replace":
            let (pattern, content) = try replacement(value, path: path)
            return [.replace(pattern, with: content)]
        case let other:
            throw TokenizerError.unsupported(origin: origin, field: path + ".type", value: "\"\(other)\"")
        }
    }

    /// A `Replace` step's literal pattern and content (regex patterns are not supported).
    func replacement(_ value: JSONValue, path: String) throws -> (String, String) {
        let pattern = try object(value, "pattern", path: path + ".pattern")
        guard let literal = try optionalString(pattern, "String", path: path + ".pattern.String") else {
            throw TokenizerError.unsupported(origin: origin, field: path + ".pattern", value: "(only {\"String\": ...} patterns)")
        }
        return (literal, try string(value, "content", path: path + ".content"))
    }

    func replacementCharacter(_ value: JSONValue, path: String) throws -> Unicode.Scalar {
        let text = try optionalString(value, "replacement", path: path + ".replacement") ?? "▁"
        guard text.unicodeScalars.count == 1, let character = text.unicodeScalars.first else {
            throw TokenizerError.invalidValue(origin: origin, field: path + ".replacement", message: "should be one character")
        }
        return character
    }

    func prependScheme(_ value: JSONValue, path: String) throws -> PrependScheme {
        if let scheme = try optionalString(value, "prepend_scheme", path: path + ".prepend_scheme") {
            guard let parsed = PrependScheme(rawValue: scheme) else {
                throw TokenizerError.unsupported(origin: origin, field: path + ".prepend_scheme", value: "\"\(scheme)\"")
            }
            return parsed
        }
        return try bool(value, "add_prefix_space", path: path + ".add_prefix_space", default: true) ? .always : .never
    }

    func preTokenizer(_ value: JSONValue, path: String) throws -> PreTokenizerKind {
        if value == .null { return .none }
        switch try type(value, path: path) {
        case "ByteLevel":
            return .byteLevel(
                addPrefixSpace: try bool(value, "add_prefix_space", path: path + ".add_prefix_space", default: true),
                useRegex: try bool(value, "use_regex", path: path + ".use_regex", default: true))
        case "Metaspace":
            return .metaspace(
                replacement: try replacementCharacter(value, path: path),
                prependScheme: try prependScheme(value, path: path),
                split: try bool(value, "split", path: path + ".split", default: true))
        case "Sequence":
            guard let list = value["pretokenizers"]?.arrayValue else {
                throw TokenizerError.missingField(origin: origin, field: path + ".pretokenizers")
            }
            guard list.count == 1 else {
                throw TokenizerError.unsupported(origin: origin, field: path + ".pretokenizers", value: "with \(list.count) steps (only one is supported)")
            }
            return try preTokenizer(list[0], path: path + ".pretokenizers[0]")
        case let other:
            throw TokenizerError.unsupported(origin: origin, field: path + ".type", value: "\"\(other)\"")
        }
    }

    func decoder(_ value: JSONValue, path: String) throws -> DecoderKind {
        if value == .null { return .none }
        if try type(value, path: path) == "ByteLevel" { return .byteLevel }
        return .steps(try decoderSteps(value, path: path))
    }

    func decoderSteps(_ value: JSONValue, path: String) throws -> [DecoderStep] {
        switch try type(value, path: path) {
        case "Sequence":
            guard let list = value["decoders"]?.arrayValue else { throw TokenizerError.missingField(origin: origin, field: path + ".decoders") }
            return try list.enumerated().flatMap { try decoderSteps($1, path: "\(path).decoders[\($0)]") }
        case "Replace":
            let (pattern, content) = try replacement(value, path: path)
            return [.replace(pattern, with: content)]
        case "ByteFallback":
            return [.byteFallback]
        case "Fuse":
            return [.fuse]
        case "Strip":
            let content = try string(value, "content", path: path + ".content")
            guard content.unicodeScalars.count == 1, let character = content.unicodeScalars.first else {
                throw TokenizerError.invalidValue(origin: origin, field: path + ".content", message: "should be one character")
            }
            return [.strip(character, start: try integer(value, "start", path: path + ".start"),
                           stop: try integer(value, "stop", path: path + ".stop"))]
        case "Metaspace":
            return [.metaspace(replacement: try replacementCharacter(value, path: path),
                               prependScheme: try prependScheme(value, path: path))]
        case let other:
            throw TokenizerError.unsupported(origin: origin, field: path + ".type", value: "\"\(other)\"")
        }
    }

    /// The ids a `TemplateProcessing` post-processor puts around a single sequence.
    func template(_ value: JSONValue, path: String) throws -> (prefix: [UInt32], suffix: [UInt32]) {
        if value == .null { return ([], []) }
        switch try type(value, path: path) {
        case "ByteLevel":
            return ([], [])
        case "TemplateProcessing":
            guard let single = value["single"]?.arrayValue else { throw TokenizerError.missingField(origin: origin, field: path + ".single") }
            let specials = try object(value, "special_tokens", path: path + ".special_tokens")
            var prefix: [UInt32] = []
            var suffix: [UInt32] = []
            var seenSequence = false
            for (index, item) in single.enumerated() {
                if item["Sequence"] != nil { seenSequence = true; continue }
                guard let special = item["SpecialToken"],
                      let name = try optionalString(special, "id", path: "\(path).single[\(index)].SpecialToken.id") else {
                    throw TokenizerError.invalidValue(origin: origin, field: "\(path).single[\(index)]", message: "expected Sequence or SpecialToken")
                }
                let entry = try object(specials, name, path: "\(path).special_tokens[\"\(name)\"]")
                guard let ids = entry["ids"]?.arrayValue else {
                    throw TokenizerError.missingField(origin: origin, field: "\(path).special_tokens[\"\(name)\"].ids")
                }
                let parsed = try ids.map { try id($0, path: "\(path).special_tokens[\"\(name)\"].ids") }
                if seenSequence { suffix += parsed } else { prefix += parsed }
            }
            return (prefix, suffix)
        case "Sequence":
            guard let list = value["processors"]?.arrayValue else { throw TokenizerError.missingField(origin: origin, field: path + ".processors") }
            var prefix: [UInt32] = []
            var suffix: [UInt32] = []
            for (index, item) in list.enumerated() {
                let (p, s) = try template(item, path: "\(path).processors[\(index)]")
                prefix += p
                suffix += s
            }
            return (prefix, suffix)
        case let other:
            throw TokenizerError.unsupported(origin: origin, field: path + ".type", value: "\"\(other)\"")
        }
    }
}
