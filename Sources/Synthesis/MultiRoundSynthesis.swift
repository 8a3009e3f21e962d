import SynthesizerText
/// One synthesized entry: which text, which round and position, the prompt it was given, what
/// came back, and how it links to the entry before it in its chain.
///
///     let entry = entries[1][0]     // round 1, position 0
///     entry.prependedEntries        // earlier entries carried in its prompt
///     entry.inheritsFromPrevious    // prompted with its predecessor and produced a pair
public struct SynthesizedEntry: Sendable, Equatable {
    public var round: Int
    public var position: Int
    /// Index of the raw text in the run's ordered texts.
    public var textIndex: Int
    public var prompt: String
    public var prependedEntries: Int
    /// The previous entry was prepended (its `followed_by_next`).
    public var followsPrevious: Bool
    public var output: String
    public var pairs: [QAPair]
    public var inheritsFromPrevious: Bool
}

/// Multi-round synthesis held in memory, round after round, with a synchronous completion
/// function: the reference behaviour in a few lines, for callers that need no database (and the
/// specification the database work queue is tested against; both plan with `ChainPlanner`).
///
///     let rounds = MultiRoundSynthesis.run(texts: texts, rounds: 3, limits: limits) { prompts in
///         prompts.map { _ in "<QUE> Q? <ANS> A </END>" }
///     }
///     rounds[2][0].prependedEntries   // 2: both earlier entries of chain 0
public enum MultiRoundSynthesis {
    public static func run(
        texts: [String], rounds: Int, limits: ChainLimits, complete: ([String]) -> [String]
    ) -> [[SynthesizedEntry]] {
        let split = RoundSplit(textCount: texts.count, rounds: rounds)
        var chains: [[ChainEntry]] = []
        var result: [[SynthesizedEntry]] = []
        for round in 0..<rounds {
            let indexes = Array(split.range(of: round))
            let plans = indexes.enumerated().map { position, textIndex in
                ChainPlanner.plan(text: texts[textIndex], chain: position < chains.count ? chains[position] : [],
                                  limits: limits)
            }
            let outputs = indexes.isEmpty ? [] : complete(plans.map(\.prompt))
            var entries: [SynthesizedEntry] = []
            for (position, textIndex) in indexes.enumerated() {
                let output = position < outputs.count ? outputs[position] : ""
                let pairs = SynthesizerOutputParser.parse(output)
                let plan = plans[position]
                let inherits = ChainPlanner.inherits(followsPrevious: plan.followsPrevious, pairCount: pairs.count)
                entries.append(SynthesizedEntry(
                    round: round, position: position, textIndex: textIndex, prompt: plan.prompt,
                    prependedEntries: plan.prependedEntries, followsPrevious: plan.followsPrevious,
                    output: output, pairs: pairs, inheritsFromPrevious: inherits))
                let chainEntry = ChainEntry(text: texts[textIndex], pairs: pairs, inheritsFromPrevious: inherits)
                if position < chains.count { chains[position].append(chainEntry) } else { chains.append([chainEntry]) }
            }
            result.append(entries)
        }
        return result
    }
}
