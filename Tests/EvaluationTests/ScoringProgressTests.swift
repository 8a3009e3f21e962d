import Foundation
import ProgressReporting
import Testing
@testable import Evaluation
import Model
import Tokenization

@Suite struct ScoringProgressTests {
    @Test func perplexityReportsEveryTextTokenizedAndEveryModelStep() throws {
        let model = try byteModel(maxPositions: 16)
        var evaluator = PerplexityEvaluator(model: model, tokenizer: ByteTokenizer.raw(beginningOfSequence: 256))
        evaluator.scorer = LoglikelihoodScorer(model: model, slotCount: 2, maxTokensPerStep: 8)
        let texts: [(id: Int64, text: String)] = (0..<5).map { (Int64($0), "held-out text number \($0), long enough for windows") }
        var reports: [StageProgress] = []
        let scores = try evaluator.evaluate(texts: texts) { reports.append($0) }

        #expect(reports.filter { $0.phase == "tokenizing" }.map(\.done) == Array(0...texts.count))
        let scoring = reports.filter { $0.phase == "scoring" }
        // Each window runs its prefix token and all but its last continuation token: one per scored token.
        let tokensRun = scores.results.reduce(0) { $0 + $1.tokenCount }
        #expect(scoring.first?.done == 0)
        #expect(scoring.allSatisfy { $0.total == tokensRun && $0.unit == .count("tokens") })
        #expect(scoring.last?.done == tokensRun)
        #expect(zip(scoring, scoring.dropFirst()).allSatisfy { $0.done < $1.done })
        // At most 8 tokens a step: many reports, not one at the end.
        #expect(scoring.count > tokensRun / 8)
    }
}
