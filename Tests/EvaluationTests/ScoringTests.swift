import Foundation
import Testing
@testable import Evaluation
import Model
import Tokenization

@Suite struct ScoringTests {
    @Test func uniformModelGivesHandComputedLogLikelihoodsAndChoices() throws {
        let model = try uniformModel(vocab: 257)
        let evaluator = Evaluator(model: model, tokenizer: ByteTokenizer.raw(beginningOfSequence: 256))
        // " a" is 2 byte tokens, " bbb" is 4: ll = −2 ln 257 and −4 ln 257.
        let item = TaskItem(id: 1, context: "Q:", choices: ["a", "bbb"], gold: 1)
        let scores = try evaluator.evaluate(items: [item])
        let result = try #require(scores.results.first)
        #expect(abs(result.logLikelihoods[0] - (-2 * log(257.0))) < 1e-4)
        #expect(abs(result.logLikelihoods[1] - (-4 * log(257.0))) < 1e-4)
        // acc prefers the shorter choice; per character, −2/1 < −4/3 so acc_norm picks "bbb".
        #expect(result.chosen == 0)
        #expect(result.chosenNorm == 1)
        #expect(scores.metric("acc")?.value == 0)
        #expect(scores.metric("acc_norm")?.value == 1)
    }

    @Test func batchedScorerWithSharedPrefixEqualsPlainForwardPerChoice() throws {
        let model = try byteModel()
        var requests: [ScoringRequest] = []
        for i in 0..<11 {
            let prefix = (0..<(3 + i % 5)).map { Int32((i * 31 + $0 * 7) % 256) }
            let continuations = (0..<(2 + i % 3)).map { c in (0..<(1 + (i + c) % 4)).map { Int32((i * 13 + c * 29 + $0 * 3) % 256) } }
            requests.append(ScoringRequest(prefix: prefix, continuations: continuations))
        }
        // Few slots and short steps force batches, split steps and pieces carried across steps.
        let scorer = LoglikelihoodScorer(model: model, slotCount: 3, maxTokensPerStep: 5)
        let lls = try scorer.logLikelihoods(requests)
        for (request, scored) in zip(requests, lls) {
            for (continuation, value) in zip(request.continuations, scored) {
                let expected = try referenceLogLikelihood(model: model, prefix: request.prefix, continuation: continuation)
                #expect(abs(value - expected) < 1e-3, "prefix \(request.prefix) continuation \(continuation)")
            }
        }
    }

    @Test func continuationTokensAreTheWholeStringsBeyondTheContext() {
        // "sky" + " blue" encodes whole as [<s>, "sky blue"]: the context alone is [<s>, "sky"],
        // so the continuation is what lies beyond 2 tokens: nothing — exactly the harness's split.
        let merged = ContinuationEncoding.encode(context: "sky", continuation: " blue", tokenizer: MergingTokenizer())
        #expect(merged.context == [0, 1])
        #expect(merged.continuation == [])
        let plain = ContinuationEncoding.encode(context: "sky?", continuation: " red", tokenizer: MergingTokenizer())
        #expect(plain.context == [0, 1, 5])
        #expect(plain.continuation == [4])
    }

    @Test func trailingWhitespaceOfTheContextMovesToTheContinuation() {
        let (context, continuation) = ContinuationEncoding.moveTrailingWhitespace(context: "Answer: \n", continuation: " yes")
        #expect(context == "Answer:")
        #expect(continuation == " \n yes")
        let tokenizer = ByteTokenizer.raw()
        let pair = ContinuationEncoding.encode(context: "A: ", continuation: "b", tokenizer: tokenizer)
        #expect(pair.context == [65, 58])
        #expect(pair.continuation == [32, 98])
    }

    @Test func accNormDividesByCharactersAndAccBytesByUTF8Bytes() {
        // "é" is 1 character but 2 bytes; "ab" is 2 of each.
        let item = TaskItem(id: 1, context: "c", choices: ["é", "ab"], gold: 0)
        let result = ItemResult(item: item, logLikelihoods: [-3, -5], exampleIds: [])
        #expect(result.choiceCharacters == [1, 2])
        #expect(result.choiceBytes == [2, 2])
        #expect(result.chosen == 0)        // −3 > −5
        #expect(result.chosenNorm == 1)    // −3/1 < −5/2
        #expect(result.chosenBytes == 0)   // −3/2 > −5/2
        // Ties go to the first choice, as numpy.argmax does.
        #expect(ItemResult(item: item, logLikelihoods: [-2, -2], exampleIds: []).chosen == 0)
    }

    @Test func stderrIsTheSampleStandardErrorOfTheMean() throws {
        let metric = Metric.mean(name: "acc", of: [1, 0, 1, 1])
        #expect(metric.value == 0.75)
        #expect(abs(try #require(metric.stderr) - 0.25) < 1e-12)
        #expect(Metric.mean(name: "acc", of: [1]).stderr == nil)
    }

    @Test func overlongItemsAreLeftTruncatedPerChoiceLikeTheHarness() throws {
        let model = try byteModel(maxPositions: 16)
        let evaluator = Evaluator(model: model, tokenizer: ByteTokenizer.raw(beginningOfSequence: 256))
        let item = TaskItem(id: 1, context: String(repeating: "context ", count: 4), choices: ["yes", "no"], gold: 0)
        let result = try #require(try evaluator.evaluate(items: [item]).results.first)
        for (index, choice) in item.choices.enumerated() {
            let pair = ContinuationEncoding.encode(context: item.context, continuation: " " + choice, tokenizer: evaluator.tokenizer)
            let whole = Array((pair.context + pair.continuation).suffix(17))
            let expected = try referenceLogLikelihood(model: model, prefix: Array(whole.dropLast(pair.continuation.count)),
                                                      continuation: pair.continuation)
            #expect(abs(result.logLikelihoods[index] - expected) < 1e-3)
        }
    }

    @Test func perplexityScoresDisjointWindowsAfterThePrefixToken() throws {
        let model = try byteModel(maxPositions: 8)
        let tokenizer = ByteTokenizer.raw(beginningOfSequence: 256)
        let text = "held-out text of twenty"
        let scores = try PerplexityEvaluator(model: model, tokenizer: tokenizer).evaluate(texts: [(id: 9, text: text)])
        let ids: [Int32] = [256] + text.utf8.map { Int32($0) }
        var expected = 0.0
        var start = 0
        while start + 1 < ids.count {
            let end = min(start + 8, ids.count - 1)
            expected += try referenceLogLikelihood(model: model, prefix: [ids[start]], continuation: Array(ids[(start + 1)...end]))
            start = end
        }
        let result = try #require(scores.results.first)
        #expect(result.tokenCount == text.utf8.count)
        #expect(abs(result.logLikelihood - expected) < 1e-3)
        let bitsPerByte = try #require(scores.metric("bits_per_byte")).value
        #expect(abs(bitsPerByte - (-expected / Double(text.utf8.count) / log(2))) < 1e-6)
        #expect(abs(try #require(scores.metric("token_perplexity")).value - exp(-expected / Double(text.utf8.count))) < 1e-3)
    }
}
