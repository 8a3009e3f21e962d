import SynthesizerText
import Testing
@testable import Synthesis

/// A scripted synthesizer: for the reading of the text it is asked about (the last `<CON>` of
/// the prompt) it answers with `answers[text]` pairs, and records every prompt it saw.
final class ScriptedBackend {
    var answers: [String: Int]
    private(set) var prompts: [String] = []

    init(answers: [String: Int]) {
        self.answers = answers
    }

    func complete(_ prompts: [String]) -> [String] {
        self.prompts += prompts
        return prompts.map { prompt in
            let text = ScriptedBackend.currentText(of: prompt)
            let count = answers[text] ?? 1
            return (0..<count).map { "<QUE> Q\($0) about \(text)? <ANS> A\($0) </END>" }.joined(separator: "\n\n")
        }
    }

    static func currentText(of prompt: String) -> String {
        let reading = PythonString.split(prompt, on: "<s> <CON> ").last ?? ""
        return PythonString.split(reading, on: " </CON>").first ?? ""
    }
}

@Suite struct ChainingTests {
    let roomy = ChainLimits(maxModelLength: 4096, maxNewTokens: 400)

    @Test func lengthEstimateCountsSingleSpaceSplitsTimesOneAndAHalf() {
        #expect(ChainPlanner.estimatedLength("a b c") == 4.5)
        #expect(ChainPlanner.estimatedLength("a  b") == 4.5)       // "a", "", "b"
        #expect(ChainPlanner.estimatedLength("a\nb\tc") == 1.5)    // only spaces split
        #expect(ChainPlanner.estimatedLength("") == 1.5)
    }

    @Test func roundsSplitLikeTheReference() {
        let split = RoundSplit(textCount: 7, rounds: 3)
        #expect(split.roundSize == 3)
        #expect((0..<3).map(split.range(of:)) == [0..<3, 3..<6, 6..<7])
        #expect(RoundSplit(textCount: 5, rounds: 4).range(of: 3) == 5..<5)
    }

    @Test func roundsTwoAndThreePrependTheirChains() {
        // 9 texts, 3 rounds of 3. Chain 0: everything produces pairs. Chain 1: the round-1
        // text produces none, so round 2 starts afresh. Chain 2: round 0 produces none, so
        // round 1 starts afresh; round 2 then carries only the round-1 entry.
        let texts = ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"]
        let backend = ScriptedBackend(answers: ["t4": 0, "t2": 0])
        let rounds = MultiRoundSynthesis.run(texts: texts, rounds: 3, limits: roomy, complete: backend.complete)

        #expect(rounds.map { $0.map(\.textIndex) } == [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
        #expect(rounds[0].map(\.prependedEntries) == [0, 0, 0])
        #expect(rounds[1].map(\.prependedEntries) == [1, 1, 0])
        #expect(rounds[2].map(\.prependedEntries) == [2, 0, 1])
        #expect(rounds[1].map(\.inheritsFromPrevious) == [true, false, false])
        #expect(rounds[2].map(\.inheritsFromPrevious) == [true, false, true])

        let t0 = SynthesizerFormat.entry(text: "t0", pairs: [QAPair(question: "Q0 about t0?", answer: "A0")])
        let t3 = SynthesizerFormat.entry(text: "t3", pairs: [QAPair(question: "Q0 about t3?", answer: "A0")])
        let t5 = SynthesizerFormat.entry(text: "t5", pairs: [QAPair(question: "Q0 about t5?", answer: "A0")])
        #expect(rounds[1][0].prompt == t0 + SynthesizerFormat.read("t3"))
        #expect(rounds[2][0].prompt == t0 + t3 + SynthesizerFormat.read("t6"))
        #expect(rounds[2][1].prompt == SynthesizerFormat.read("t7"))
        #expect(rounds[2][2].prompt == t5 + SynthesizerFormat.read("t8"))
        #expect(backend.prompts.count == 9)
    }

    @Test func anEntryWithoutPairsBreaksInheritanceEvenIfPrompted() {
        // t3 is prompted with t0 but produces nothing: it does not inherit, and round 2's t6
        // (whose chain ends with the pair-less t3) starts afresh.
        let backend = ScriptedBackend(answers: ["t3": 0])
        let rounds = MultiRoundSynthesis.run(texts: (0..<9).map { "t\($0)" }, rounds: 3, limits: roomy, complete: backend.complete)
        #expect(rounds[1][0].followsPrevious == true)
        #expect(rounds[1][0].inheritsFromPrevious == false)
        #expect(rounds[2][0].prependedEntries == 0)
        #expect(rounds[2][0].followsPrevious == false)
    }

    @Test func overflowFallsBackToAFreshChain() {
        // One earlier entry plus the new reading estimates to 42 tokens, two earlier entries
        // plus the reading to 70.5: a budget of 60 - 10 = 50 fits the first, not the second.
        let words = (0..<5).map { "w\($0)" }.joined(separator: " ")
        let texts = (0..<3).map { "text\($0) " + words }
        let budget = ChainLimits(maxModelLength: 60, maxNewTokens: 10)
        let backend = ScriptedBackend(answers: [:])
        let rounds = MultiRoundSynthesis.run(texts: texts, rounds: 3, limits: budget, complete: backend.complete)
        #expect(ChainPlanner.estimatedLength(rounds[1][0].prompt) == 42)
        #expect(rounds[1][0].prependedEntries == 1)
        #expect(rounds[1][0].inheritsFromPrevious)
        // Round 2 would carry both earlier entries: over budget, so a fresh chain.
        let wouldBe = SynthesizerFormat.entry(text: texts[0], pairs: rounds[0][0].pairs)
            + SynthesizerFormat.entry(text: texts[1], pairs: rounds[1][0].pairs) + SynthesizerFormat.read(texts[2])
        #expect(ChainPlanner.estimatedLength(wouldBe) == 70.5)
        #expect(rounds[2][0].prependedEntries == 0)
        #expect(rounds[2][0].followsPrevious == false)
        #expect(rounds[2][0].prompt == SynthesizerFormat.read(texts[2]))
        #expect(rounds[2][0].inheritsFromPrevious == false)
    }

    @Test func shorterLastRoundLeavesLaterChainsUntouched() {
        // 5 texts, 2 rounds: 3 then 2. Chain 2 has no round-1 text.
        let rounds = MultiRoundSynthesis.run(texts: (0..<5).map { "t\($0)" }, rounds: 2, limits: roomy,
                                             complete: ScriptedBackend(answers: [:]).complete)
        #expect(rounds[1].map(\.textIndex) == [3, 4])
        #expect(rounds[1].map(\.prependedEntries) == [1, 1])
    }

    @Test func plannerIsExactlyAtTheBudgetBoundary() {
        let chain = [ChainEntry(text: "a", pairs: [QAPair(question: "q", answer: "x")], inheritsFromPrevious: false)]
        let prompt = SynthesizerFormat.entry(text: "a", pairs: chain[0].pairs) + SynthesizerFormat.read("b")
        let pieces = Int(ChainPlanner.estimatedLength(prompt) / 1.5)
        let exact = ChainLimits(maxModelLength: Int((Double(pieces) * 1.5).rounded(.up)) + 1, maxNewTokens: 1)
        #expect(ChainPlanner.plan(text: "b", chain: chain, limits: exact).prependedEntries == 1)
        let tooSmall = ChainLimits(maxModelLength: exact.maxModelLength - 1, maxNewTokens: 1)
        #expect(ChainPlanner.plan(text: "b", chain: chain, limits: tooSmall).prependedEntries == 0)
    }
}
