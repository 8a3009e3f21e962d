import Tokenization

/// Scores a model trained from a snapshot with the tokenizer the snapshot was packed with, the
/// way the model saw its documents: with `<s>` before each text when the packing put `<s>`
/// before every document (so "add special tokens" means "add `<s>`", like Llama's tokenizer),
/// with nothing added otherwise.
///
///     let tokenizer = SnapshotScoringTokenizer(tokenizer: ByteTokenizer(), beginsWithBOS: true)
///     tokenizer.encode("hi", addSpecialTokens: true)   // [0, 107, 108]
///     let scores = try Evaluator(model: model, tokenizer: tokenizer).evaluate(items: items)
public struct SnapshotScoringTokenizer: TextTokenizer {
    public let tokenizer: any TextTokenizer
    public let beginsWithBOS: Bool

    public init(tokenizer: any TextTokenizer, beginsWithBOS: Bool) {
        self.tokenizer = tokenizer
        self.beginsWithBOS = beginsWithBOS
    }

    public func encode(_ text: String) -> [Int32] { tokenizer.encode(text) }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        guard addSpecialTokens, beginsWithBOS, let bosId else { return encode(text) }
        return [bosId] + encode(text)
    }

    public var bosId: Int32? { tokenizer.bosId }
    public var eosId: Int32? { tokenizer.eosId }
    public var vocabSize: Int { tokenizer.vocabSize }
    public var name: String { tokenizer.name }
    public var identity: String { tokenizer.identity }
}
