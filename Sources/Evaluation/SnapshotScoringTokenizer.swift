import Mixing

/// Scores a model trained from a snapshot with the tokenizer the snapshot was packed with, the
/// way the model saw its documents: with `<s>` before each text when the packing put `<s>`
/// before every document (so "add special tokens" means "add `<s>`", like Llama's tokenizer).
///
///     let tokenizer = SnapshotScoringTokenizer(tokenizer: ByteTokenizer(), beginsWithBOS: true)
///     tokenizer.scoringIds("hi", addSpecialTokens: true)   // [0, 107, 108]
///     let scores = try Evaluator(model: model, tokenizer: tokenizer).evaluate(items: items)
public struct SnapshotScoringTokenizer: ScoringTokenizer {
    public let tokenizer: any SnapshotTokenizer
    public let beginsWithBOS: Bool

    public init(tokenizer: any SnapshotTokenizer, beginsWithBOS: Bool) {
        self.tokenizer = tokenizer
        self.beginsWithBOS = beginsWithBOS
    }

    public func scoringIds(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        (addSpecialTokens && beginsWithBOS ? [tokenizer.bosId] : []) + tokenizer.encode(text)
    }

    public var prefixTokenId: Int32? { tokenizer.bosId }
    /// Snapshot tokenizers encode `<s>` typed in text as plain characters, so no text starts with the token.
    public var beginningOfSequenceText: String? { nil }
}
