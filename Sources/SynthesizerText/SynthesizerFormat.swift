/// The text format the released instruction synthesizer reads and writes (Cheng et al. 2024):
/// a reading `<s> <CON> {text} </CON>\n\n`, then pairs `<QUE> {question} <ANS> {answer} </END>`
/// joined by `\n\n`; an earlier entry prepended to a prompt ends with `</s>`.
///
///     let prompt = SynthesizerFormat.read("Cats purr.")        // "<s> <CON> Cats purr. </CON>\n\n"
///     let pairs = SynthesizerFormat.comprehension([QAPair(question: "Who purrs?", answer: "Cats")])
///     let entry = SynthesizerFormat.entry(text: "Cats purr.", pairs: [...])  // read + pairs + "</s>"
public enum SynthesizerFormat {
    public static let beginOfSequence = "<s>"
    public static let endOfSequence = "</s>"
    public static let contextOpen = "<CON>"
    public static let contextClose = "</CON>"
    public static let questionTag = "<QUE>"
    public static let answerTag = "<ANS>"
    public static let endTag = "</END>"
    /// Between the reading and the first pair, and between pairs.
    public static let delimiter = "\n\n"

    /// Every marker the format gives meaning to; a mined question or answer must contain none.
    public static let markers = [beginOfSequence, endOfSequence, contextOpen, contextClose, questionTag, answerTag, endTag]

    /// The reading part of a prompt. The space before `<CON>` is part of the format the
    /// synthesizer was trained on; an empty text gives `<s>` alone, as in the reference.
    public static func read(_ text: String) -> String {
        guard !text.isEmpty else { return beginOfSequence }
        return beginOfSequence + context(text)
    }

    /// The text between its markers, as it follows `<s>` in a reading: ` <CON> {text} </CON>\n\n`.
    /// (A fine-tuning example writes `<s>` as the tokenizer's begin-of-document id instead.)
    public static func context(_ text: String) -> String {
        " " + contextOpen + " " + text + " " + contextClose + delimiter
    }

    /// One pair as the synthesizer writes it.
    public static func pair(_ pair: QAPair) -> String {
        question(pair.question) + " " + pair.answer + " " + endTag
    }

    /// A pair up to its answer: what a synthesizer continues with the answer.
    public static func question(_ question: String) -> String {
        questionTag + " " + question + " " + answerTag
    }

    /// The pairs of one entry, joined by the delimiter.
    public static func comprehension(_ pairs: [QAPair]) -> String {
        pairs.map(pair).joined(separator: delimiter)
    }

    /// An earlier entry as it is prepended to a later prompt: reading, pairs, `</s>`.
    public static func entry(text: String, pairs: [QAPair]) -> String {
        read(text) + comprehension(pairs) + endOfSequence
    }
}
