import Foundation
@testable import Tokenization

/// A fresh temporary directory for one test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-tok-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The pre-tokens of `text`, as strings.
func preTokens(_ text: String) -> [String] {
    var words: [String] = []
    GPT2PreTokenizer.split(Array(text.utf8)) { words.append(String(decoding: $0, as: UTF8.self)) }
    return words
}

/// A small byte-level tokenizer trained on generated text (deterministic).
func trainedTokenizer(vocabularySize: Int = 400, texts: [String] = sampleTexts) throws -> Tokenizer {
    var counts = WordCounts()
    for text in texts { counts.add(text: text) }
    return try BPETrainer(vocabularySize: vocabularySize).train(counts)
}

let sampleTexts: [String] = (0..<40).map { i in
    "The quick brown fox \(i) jumps over the lazy dog; don't stop, it's \(i * 7) o'clock.\n"
        + "Les élèves étudient à l'école — 学生在学校学习 \(i % 5) 😀 tabs\tand  spaces   here."
}

/// Strings that stress pre-tokenization and byte handling.
let edgeCases: [String] = [
    "", " ", "   ", "\n\n", " \n ", "a  b   c", "trailing  ", "\t\tx", "\u{00A0}nbsp\u{3000}ideographic",
    "emoji 😀👍🏽 👨‍👩‍👧‍👦 🇫🇷", "中文字符 日本語 한국어", "control \u{0}\u{1}\u{1B}[0m\u{7F}\u{85}",
    "combining e\u{0301} \u{0301}\u{0301} alone", String(repeating: "x", count: 3000),
    "don't I'm we'll they've 'S ''s !'s", "<s>hello</s> <unk><s", "\u{10400}\u{1D400} astral",
]

/// A SentencePiece-style (Llama-2 shaped) tokenizer.json: byte fallback, `▁` for spaces.
func sentencePieceJSON(legacyNormalizer: Bool = true) -> String {
    var vocab: [(String, Int)] = [("<unk>", 0), ("<s>", 1), ("</s>", 2)]
    for byte in 0..<256 { vocab.append((String(format: "<0x%02X>", byte), 3 + byte)) }
    for (offset, token) in ["▁", "h", "i", "e", "l", "o", "▁h", "▁hi", "ll", "▁he", "▁hell", "▁hello"].enumerated() {
        vocab.append((token, 259 + offset))
    }
    let vocabJSON = vocab.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
    let normalizer = legacyNormalizer
        ? #"{"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}"#
        : "null"
    let preTokenizer = legacyNormalizer
        ? "null"
        : #"{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false}"#
    return """
    {"version": "1.0", "truncation": null, "padding": null,
     "added_tokens": [
       {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
       {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
       {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
     "normalizer": \(normalizer),
     "pre_tokenizer": \(preTokenizer),
     "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
     "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
     "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null,
       "end_of_word_suffix": null, "fuse_unk": true, "byte_fallback": true,
       "vocab": {\(vocabJSON)},
       "merges": ["▁ h", "▁h i", "l l", "▁h e", "▁he ll", "▁hell o"]}}
    """
}
