import Testing
@testable import Evaluation
import Tokenization

@Suite struct FewShotTests {
    let pool = (1...12).map { TaskItem(id: Int64($0), context: "Q\($0)?", choices: ["a\($0)", "b\($0)"], gold: $0 % 2, split: .train) }
    let tests = (100..<110).map { TaskItem(id: Int64($0), context: "T\($0)?", choices: ["x", "y"], gold: 0, split: .test) }

    @Test func promptsJoinExamplesTheHarnessWay() {
        let prompt = FewShotPrompt(pool: Array(pool.prefix(2)), shots: 2, seed: 5)
        let (context, ids) = prompt.context(for: tests[0])
        let examples = ids.map { id in pool.first { $0.id == id }! }
        #expect(Set(ids) == [1, 2])
        let expected = examples.map { "\($0.context) \($0.choices[$0.gold])\n\n" }.joined() + "T100?"
        #expect(context == expected)
        #expect(FewShotPrompt(pool: pool, shots: 0, seed: 5).context(for: tests[0]).context == "T100?")
    }

    @Test func sameSeedSamePromptsOtherSeedOtherPrompts() {
        let a = FewShotPrompt(pool: pool, shots: 3, seed: 42)
        let b = FewShotPrompt(pool: pool, shots: 3, seed: 42)
        let c = FewShotPrompt(pool: pool, shots: 3, seed: 43)
        let first = tests.map { a.context(for: $0).exampleIds }
        #expect(first == tests.map { b.context(for: $0).exampleIds })
        #expect(first != tests.map { c.context(for: $0).exampleIds })
        // Each item's sample depends on its own id only, not on which items are evaluated.
        #expect(a.context(for: tests[7]).exampleIds == first[7])
        for ids in first { #expect(Set(ids).count == 3) }
        // Different items get different samples (12 choose 3 orderings make a repeat unlikely).
        #expect(Set(first.map { $0.description }).count > 1)
    }

    @Test func firstNTakesTheFirstTrainItemsInOrder() {
        let prompt = FewShotPrompt(pool: pool, shots: 3, seed: 99, sampler: .firstN)
        #expect(prompt.context(for: tests[4]).exampleIds == [1, 2, 3])
        #expect(prompt.context(for: pool[1]).exampleIds == [1, 3, 4])
    }

    @Test func anItemIsNeverItsOwnExample() {
        let prompt = FewShotPrompt(pool: pool, shots: 11, seed: 1)
        for item in pool { #expect(!prompt.context(for: item).exampleIds.contains(item.id)) }
    }

    @Test func evaluatorRefusesMoreShotsThanTrainItems() throws {
        let evaluator = Evaluator(model: try uniformModel(), tokenizer: ByteTokenizer.raw())
        #expect(throws: EvaluationError.notEnoughFewShotItems(task: "t", requested: 13, available: 12)) {
            _ = try evaluator.evaluate(items: pool + tests, shots: 13, taskName: "t")
        }
        let scores = try evaluator.evaluate(items: pool + tests, shots: 2, seed: 9)
        let again = try evaluator.evaluate(items: pool + tests, shots: 2, seed: 9)
        #expect(scores == again)
        #expect(scores.results.count == tests.count)
        #expect(scores.results.allSatisfy { $0.exampleIds.count == 2 })
    }
}
