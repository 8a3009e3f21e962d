import SynthesizerText
/// What a parsed pair asks for, recognized as the reference templify step does:
/// `plain`; `options` (the question holds `\nOptions:\n- a\n- b`); `cot` (the question ends with
/// `\nLet's think step by step.` and the answer is `{chain of thought}\nTherefore, the answer is
/// {answer}`); `optionsCot` (both); `unusable` (it looks like one of those but breaks its rules,
/// so templify leaves it out — it still counts as a pair for chaining, as in the reference).
///
///     let analysis = PairAnalysis(QAPair(question: "Pick one\nOptions:\n- red\n- blue", answer: "red"))
///     analysis.kind      // .options
///     analysis.options   // ["red", "blue"]
public enum PairKind: String, Sendable, Codable, CaseIterable {
    case plain
    case options
    case cot
    case optionsCot = "options_cot"
    case unusable
}

/// A pair taken apart into stem, options, chain of thought and final answer.
///
///     let analysis = PairAnalysis(QAPair(question: "Why?\nLet's think step by step.",
///                                        answer: "It rains.\nTherefore, the answer is wet"))
///     analysis.kind            // .cot
///     analysis.chainOfThought  // "It rains"   (a final "." is dropped, as templify adds its own)
///     analysis.finalAnswer     // "wet"
public struct PairAnalysis: Sendable, Equatable {
    public static let stepByStep = "\nLet's think step by step."
    public static let therefore = "\nTherefore, the answer is "
    public static let optionsHeader = "\nOptions:\n- "
    public static let optionSeparator = "\n- "

    public var kind: PairKind
    /// The question without its options and step-by-step cue (nil when unusable).
    public var stem: String?
    public var options: [String]?
    public var chainOfThought: String?
    /// The answer without its chain of thought (nil when unusable).
    public var finalAnswer: String?

    public init(_ pair: QAPair) {
        self = PairAnalysis.analyze(pair) ?? PairAnalysis(kind: .unusable, stem: nil, options: nil, chainOfThought: nil, finalAnswer: nil)
    }

    private init(kind: PairKind, stem: String?, options: [String]?, chainOfThought: String?, finalAnswer: String?) {
        self.kind = kind
        self.stem = stem
        self.options = options
        self.chainOfThought = chainOfThought
        self.finalAnswer = finalAnswer
    }

    private static func analyze(_ pair: QAPair) -> PairAnalysis? {
        var question = pair.question
        var answer = pair.answer
        var chainOfThought: String?
        if PythonString.contains(pair.question, stepByStep) || PythonString.contains(pair.answer, therefore) {
            // Once either cue appears, both must be well-formed, or the pair is unusable.
            guard PythonString.hasSuffix(pair.question, stepByStep) else { return nil }
            question = PythonString.strip(String(decoding: pair.question.utf8.dropLast(stepByStep.utf8.count), as: UTF8.self))
            guard !question.isEmpty else { return nil }
            let parts = PythonString.split(pair.answer, on: therefore)
            guard parts.count == 2 else { return nil }
            var thought = PythonString.strip(parts[0])
            answer = PythonString.strip(parts[1])
            if PythonString.hasSuffix(thought, ".") { thought = String(thought.unicodeScalars.dropLast()) }
            guard !thought.isEmpty, !answer.isEmpty else { return nil }
            chainOfThought = thought
        }
        var options: [String]?
        if PythonString.contains(question, optionsHeader) {
            let parts = PythonString.split(question, on: optionsHeader)
            guard parts.count == 2, !parts[0].isEmpty else { return nil }
            question = parts[0]
            options = PythonString.split(parts[1], on: optionSeparator)
        }
        let kind: PairKind
        switch (options != nil, chainOfThought != nil) {
        case (false, false): kind = .plain
        case (true, false): kind = .options
        case (false, true): kind = .cot
        case (true, true): kind = .optionsCot
        }
        return PairAnalysis(kind: kind, stem: question, options: options, chainOfThought: chainOfThought, finalAnswer: answer)
    }
}
