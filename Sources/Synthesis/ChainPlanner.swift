import SynthesizerText
/// One earlier entry of a chain as the planner sees it: its raw text, the pairs parsed from its
/// output (after de-duplication), and whether it inherits from the entry before it.
///
///     let entry = ChainEntry(text: "Cats purr.", pairs: [QAPair(question: "Who purrs?", answer: "Cats")],
///                            inheritsFromPrevious: false)
public struct ChainEntry: Sendable, Equatable {
    public var text: String
    public var pairs: [QAPair]
    public var inheritsFromPrevious: Bool

    public init(text: String, pairs: [QAPair], inheritsFromPrevious: Bool) {
        self.text = text
        self.pairs = pairs
        self.inheritsFromPrevious = inheritsFromPrevious
    }
}

/// The prompt planned for one raw text of a round.
///
///     let plan = ChainPlanner.plan(text: "Dogs bark.", chain: earlier, limits: limits)
///     plan.prompt             // earlier entries (if they fit) + "<s> <CON> Dogs bark. </CON>\n\n"
///     plan.prependedEntries   // how many earlier entries the prompt carries
///     plan.followsPrevious    // the previous entry's "followed_by_next"
public struct PlannedPrompt: Sendable, Equatable {
    public var prompt: String
    public var prependedEntries: Int
    public var followsPrevious: Bool
}

/// The two lengths that bound a prompt: the context the synthesizer (or the model to be
/// pre-trained) takes, and the room kept for the pairs it writes.
///
///     let limits = ChainLimits(maxModelLength: 4096, maxNewTokens: 400)
public struct ChainLimits: Sendable, Equatable, Codable {
    public var maxModelLength: Int
    public var maxNewTokens: Int

    public init(maxModelLength: Int, maxNewTokens: Int) {
        self.maxModelLength = maxModelLength
        self.maxNewTokens = maxNewTokens
    }

    /// The longest prompt (by the estimate) that may carry earlier entries.
    public var promptBudget: Double { Double(maxModelLength - maxNewTokens) }
}

/// Multi-round (M-shot) chaining, as the reference `get_dataset` does it. In round r > 0 the
/// i-th text continues the i-th chain: if the chain's last entry produced pairs, that entry —
/// and, going back, every entry its successor inherits from — is prepended (each rendered as
/// reading + pairs + `</s>`), provided the estimated length of the whole prompt stays within
/// `maxModelLength - maxNewTokens`. Otherwise the text starts afresh.
///
///     let chain = [ChainEntry(text: "A", pairs: [pair], inheritsFromPrevious: false)]
///     let plan = ChainPlanner.plan(text: "B", chain: chain, limits: ChainLimits(maxModelLength: 4096, maxNewTokens: 400))
///     plan.prependedEntries   // 1
public enum ChainPlanner {
    /// `chain` is the earlier entries at this position, oldest first; it may be empty (round 0,
    /// or a position earlier rounds did not reach). It must reach back at least as far as the
    /// inheritance walk goes: the entry before every entry that inherits.
    public static func plan(text: String, chain: [ChainEntry], limits: ChainLimits) -> PlannedPrompt {
        let fresh = SynthesizerFormat.read(text)
        guard let last = chain.last, !last.pairs.isEmpty else {
            return PlannedPrompt(prompt: fresh, prependedEntries: 0, followsPrevious: false)
        }
        var context = [SynthesizerFormat.entry(text: last.text, pairs: last.pairs)]
        var index = chain.count - 1
        while index - 1 >= 0, chain[index].inheritsFromPrevious {
            index -= 1
            context.append(SynthesizerFormat.entry(text: chain[index].text, pairs: chain[index].pairs))
        }
        let prompt = context.reversed().joined() + fresh
        guard estimatedLength(prompt) <= limits.promptBudget else {
            return PlannedPrompt(prompt: fresh, prependedEntries: 0, followsPrevious: false)
        }
        return PlannedPrompt(prompt: prompt, prependedEntries: context.count, followsPrevious: true)
    }

    /// The reference's cheap token estimate: pieces of the text split on single spaces (Python's
    /// `len(text.split(" "))`, so runs of spaces count every gap), times 1.5.
    public static func estimatedLength(_ text: String) -> Double {
        var pieces = 1
        for byte in text.utf8 where byte == 0x20 { pieces += 1 }
        return Double(pieces) * 1.5
    }

    /// Whether an entry inherits from its predecessor: only if it was prompted with it and
    /// produced at least one pair.
    public static func inherits(followsPrevious: Bool, pairCount: Int) -> Bool {
        followsPrevious && pairCount > 0
    }
}

/// How the texts of a run are split into M rounds, as the reference does: rounds of
/// ceil(N / M) consecutive texts, the last ones possibly shorter or empty.
///
///     RoundSplit(textCount: 5, rounds: 2).range(of: 1)   // 3..<5
public struct RoundSplit: Sendable, Equatable {
    public var textCount: Int
    public var rounds: Int

    public init(textCount: Int, rounds: Int) {
        self.textCount = textCount
        self.rounds = rounds
    }

    public var roundSize: Int { rounds > 0 ? (textCount + rounds - 1) / rounds : 0 }

    /// The indexes (into the run's ordered texts) of round `round`.
    public func range(of round: Int) -> Range<Int> {
        let start = min(round * roundSize, textCount)
        return start..<min(start + roundSize, textCount)
    }
}
