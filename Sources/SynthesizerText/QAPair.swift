/// One question and its answer: a pair a synthesizer wrote (taken out of its output by the
/// parser) or one of the pairs of context-based task data. As JSON (task files,
/// `instruction_examples.pairs_json`) its keys are the released collection's `Q` and `A`.
///
///     let pair = QAPair(question: "What do cats do?", answer: "They purr.")
///     SynthesizerFormat.pair(pair)   // "<QUE> What do cats do? <ANS> They purr. </END>"
public struct QAPair: Sendable, Equatable, Hashable, Codable {
    public var question: String
    public var answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }

    enum CodingKeys: String, CodingKey { case question = "Q", answer = "A" }
}
