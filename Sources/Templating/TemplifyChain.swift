import Synthesis

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
public struct TemplifyPair: Sendable, Equatable {
    public var id: Int64
    public var analysis: PairAnalysis

    public init(id: Int64, pair: QAPair) {
        self.id = id
        self.analysis = PairAnalysis(pair)
    }

    /// The pair's kind, or nil when it is unusable.
    public var kind: PairKindName? { PairKindName(rawValue: analysis.kind.rawValue) }
}
