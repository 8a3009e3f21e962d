/// What scoring needs from a tokenizer, in Hugging Face `tokenizers` terms, so evaluation gives
/// the token ids lm-evaluation-harness's `hf` model would see for the same tokenizer.json.
///
///     let ids = tokenizer.scoringIds("The sky is blue", addSpecialTokens: true)  // HF encode(text)
///     let prefix = tokenizer.prefixTokenId   // BOS, else EOS: context of a text scored alone
///     let scores = try Evaluator(model: model, tokenizer: tokenizer).evaluate(items: items)
public protocol ScoringTokenizer {
    /// The ids of `text`; with `addSpecialTokens` also the post-processor's tokens (such as
    /// Llama's `<s>`), as HF's `tokenizer.encode(text)` adds them by default.
    func scoringIds(_ text: String, addSpecialTokens: Bool) -> [Int32]
    /// The token the harness conditions on when there is no context: BOS if the tokenizer has
    /// one, else EOS; nil when it has neither.
    var prefixTokenId: Int32? { get }
    /// The prefix token's text (BOS, else EOS): a string that already starts with it gets no
    /// special tokens added (the harness's `has_bos_prefix` rule).
    var beginningOfSequenceText: String? { get }
}

/// The simplest real tokenizer: every UTF-8 byte is one token, id = byte + `offset` (ids below
/// the offset are free for special tokens). Byte-level models such as ByT5 use it; tests use it
/// because its token boundaries are obvious by hand.
///
///     let tokenizer = RawByteTokenizer(offset: 1, beginningOfSequence: 0)
///     tokenizer.scoringIds("hi", addSpecialTokens: true)   // [0, 105, 106]
public struct RawByteTokenizer: ScoringTokenizer, Sendable {
    public let offset: Int32
    public let beginningOfSequence: Int32?

    public init(offset: Int32 = 0, beginningOfSequence: Int32? = nil) {
        self.offset = offset
        self.beginningOfSequence = beginningOfSequence
    }

    public func scoringIds(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        var ids: [Int32] = []
        if addSpecialTokens, let beginningOfSequence { ids.append(beginningOfSequence) }
        ids.append(contentsOf: text.utf8.map { Int32($0) + offset })
        return ids
    }

    public var prefixTokenId: Int32? { beginningOfSequence }
    /// Special tokens have no text of their own here, so no string can start with one.
    public var beginningOfSequenceText: String? { nil }
}
