import Synthesis
import SynthesizerText

/// What templify turns into one pre-training text: the entries of a synthesized chain, oldest
/// first, each a raw text with the pairs parsed for it.
///
///     let chain = TemplifyChain(entries: [
///         TemplifyEntry(requestId: 3, rawTextId: 1, text: "Cats purr.",
///                       pairs: [TemplifyPair(id: 9, pair: QAPair(question: "Who purrs?", answer: "Cats"))]),
///     ])
///     chain.firstRequestId   // 3: the chain's key and its random stream
public struct TemplifyChain: Sendable, Equatable {
    public var entries: [TemplifyEntry]

    public init(entries: [TemplifyEntry]) {
        self.entries = entries
    }

    public var firstRequestId: Int64 { entries.first?.requestId ?? 0 }

    /// Every entry has at least two usable pairs: the condition for the numbered, inline
    /// few-shot and next-turn dialog modes.
    public var everyEntryHasTwoUsablePairs: Bool {
        !entries.isEmpty && entries.allSatisfy { $0.usablePairs.count >= 2 }
    }
}

/// One raw text of a chain and its pairs in output order.
///
///     let entry = TemplifyEntry(requestId: 4, rawTextId: 2, text: "Dogs bark.", pairs: pairs)
///     entry.usablePairs.count   // the pairs templify formats
public struct TemplifyEntry: Sendable, Equatable {
    public var requestId: Int64
    public var rawTextId: Int64
    public var text: String
    public var pairs: [TemplifyPair]

    public init(requestId: Int64, rawTextId: Int64, text: String, pairs: [TemplifyPair]) {
        self.requestId = requestId
        self.rawTextId = rawTextId
        self.text = text
        self.pairs = pairs
    }

    /// The pairs templify formats; unusable ones are left out.
    public var usablePairs: [TemplifyPair] { pairs.filter { $0.kind != nil } }
}

/// A parsed pair with its row id, taken apart by `PairAnalysis` exactly as synthesis stored it.
///
///     let pair = TemplifyPair(id: 9, pair: QAPair(question: "Pick\nOptions:\n- a\n- b", answer: "a"))
///     pair.kind                // .options
///     pair.analysis.options    // ["a", "b"]
public struct TemplifyPair: Sendable, Equatable {
    public var id: Int64
    public var analysis: PairAnalysis

    public init(id: Int64, pair: QAPair) {
        self.id = id
        self.analysis = PairAnalysis(pair)
    }

    /// The pair's kind, or nil when it is unusable: malformed, or a multiple-choice question
    /// whose answer is none of its options (and not a "none of the above" answer), which the
    /// reference drops rather than print an answer the options do not offer.
    public var kind: PairKindName? {
        guard let kind = PairKindName(rawValue: analysis.kind.rawValue) else { return nil }
        if analysis.options != nil && answerOption == nil && !answersNoneOfTheOptions { return nil }
        return kind
    }

    /// The index of the option the answer names: the first whose text equals the answer once
    /// both are stripped of surrounding white space (the reference's test, case included).
    public var answerOption: Int? {
        guard let options = analysis.options, let answer = analysis.finalAnswer else { return nil }
        let wanted = PythonString.strip(answer)
        return options.firstIndex { PythonString.strip($0) == wanted }
    }

    /// The answer is not one of the options but says that none of them is right: it is then
    /// given in the chosen "none of the above" phrasing.
    public var answersNoneOfTheOptions: Bool {
        guard let options = analysis.options, let answer = analysis.finalAnswer else { return false }
        return !options.contains(answer) && TemplifyRenderer.isNoneOfTheAbove(answer)
    }
}
