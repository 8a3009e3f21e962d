/// What the pipeline needs from a tokenizer: text → ids, its special tokens, its vocabulary
/// size and an identity. Snapshots pack documents with it, the trainer builds synthesizer
/// examples with it and evaluation scores with it, so a model is scored on the ids it was
/// trained on. `ByteTokenizer`, `StoredTokenizer` (the `tokenizers` table) and evaluation's
/// Hugging Face tokenizer directories conform.
///
///     let tokenizer: any TextTokenizer = ByteTokenizer()
///     tokenizer.encode("hi")                            // [107, 108]
///     tokenizer.encode("hi", addSpecialTokens: true)    // [0, 107, 108]
///     print(tokenizer.identity)                         // goes into snapshot manifests
public protocol TextTokenizer {
    /// The ids of `text` alone, without special tokens.
    func encode(_ text: String) -> [Int32]
    /// The ids of `text`; with `addSpecialTokens` also the special tokens the tokenizer puts
    /// around a text by default, as Hugging Face's `tokenizer.encode(text)` adds them.
    /// Unless a tokenizer says otherwise, that is `<s>` before the text when it has one.
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int32]
    /// `<s>`, when the tokenizer has one.
    var bosId: Int32? { get }
    /// `</s>`, when the tokenizer has one.
    var eosId: Int32? { get }
    /// The prefix token's text (BOS, else EOS): a string that already starts with it gets no
    /// special tokens added (lm-evaluation-harness's `has_bos_prefix` rule). Nil, the default,
    /// when the tokenizer encodes special tokens typed in text as plain characters.
    var prefixTokenText: String? { get }
    /// One more than the largest id the tokenizer gives.
    var vocabSize: Int { get }
    /// A short name for people ("bytes", "bpe-8192").
    var name: String { get }
    /// The SHA-256 (hex) of the tokenizer's full definition, e.g. of its tokenizer.json.
    var identity: String { get }
}

extension TextTokenizer {
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        guard addSpecialTokens, let bosId else { return encode(text) }
        return [bosId] + encode(text)
    }

    public var prefixTokenText: String? { nil }

    /// The token lm-evaluation-harness conditions on when there is no context: BOS if the
    /// tokenizer has one, else EOS; nil when it has neither.
    public var prefixTokenId: Int32? { bosId ?? eosId }

    /// `<s>` and `</s>`, which packing documents into sequences needs.
    public func documentDelimiters() throws(TokenizerError) -> (bos: Int32, eos: Int32) {
        guard let bosId, let eosId else { throw .missingSpecialTokens(name: name) }
        return (bosId, eosId)
    }
}
