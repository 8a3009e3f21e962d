/// A token matched in raw text before any other processing (HF `added_tokens`): special
/// tokens such as `<s>` and `</s>`, or any string a tokenizer wants kept whole.
///
///     let bos = AddedToken(id: 0, content: "<s>", special: true)
///     tokenizer.encode("<s>hi")   // [0, …]
public struct AddedToken: Sendable, Equatable {
    public var id: UInt32
    public var content: String
    public var special: Bool
    public var normalized: Bool

    public init(id: UInt32, content: String, special: Bool, normalized: Bool = false) {
        self.id = id
        self.content = content
        self.special = special
        self.normalized = normalized
    }
}

/// One step of an HF normalizer that SentencePiece-style tokenizers use (`Prepend`, `Replace`).
///
///     let steps: [NormalizerStep] = [.prepend("▁"), .replace(" ", with: "▁")]
public enum NormalizerStep: Sendable, Equatable {
    case prepend(String)
    case replace(String, with: String)

    func apply(_ text: String) -> String {
        switch self {
        case let .prepend(prefix): return text.isEmpty ? text : prefix + text
        case let .replace(pattern, replacement): return ScalarText.replacing(pattern, with: replacement, in: text)
        }
    }
}

/// When a Metaspace pre-tokenizer puts its replacement character in front of a piece.
///
///     let scheme = PrependScheme.first   // only the piece at the start of the text
public enum PrependScheme: String, Sendable, Equatable {
    case always, first, never
}

/// How text is cut into words before BPE (HF `pre_tokenizer`).
///
///     let gpt2 = PreTokenizerKind.byteLevel(addPrefixSpace: false, useRegex: true)
public enum PreTokenizerKind: Sendable, Equatable {
    /// GPT-2 bytes-to-characters, optionally split with the GPT-2 pattern.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// Spaces become `replacement` (`▁`), optionally prepended, optionally split before each one.
    case metaspace(replacement: Unicode.Scalar, prependScheme: PrependScheme, split: Bool)
    /// The whole (normalized) text is one word.
    case none
}

/// One step of an HF decoder for SentencePiece-style tokenizers.
///
///     let llama: [DecoderStep] = [.replace("▁", with: " "), .byteFallback, .fuse, .strip(" ", start: 1, stop: 0)]
public enum DecoderStep: Sendable, Equatable {
    case replace(String, with: String)
    case byteFallback
    case fuse
    case strip(Unicode.Scalar, start: Int, stop: Int)
    case metaspace(replacement: Unicode.Scalar, prependScheme: PrependScheme)
}

/// How ids become text again (HF `decoder`).
///
///     let decoder = DecoderKind.byteLevel
public enum DecoderKind: Sendable, Equatable {
    case byteLevel
    case steps([DecoderStep])
    /// No decoder: HF joins the tokens with spaces.
    case none
}
