import Foundation
import Model
import ProgressReporting
import Tokenization

/// Perplexity of texts the model never trained on, scored like the harness's
/// `loglikelihood_rolling`: the text's tokens (no special tokens) follow the prefix token (BOS,
/// else EOS) and are cut into disjoint windows of at most max_position_embeddings predictions,
/// each window conditioned on the token before it. Reports per-token perplexity, bits per
/// UTF-8 byte and per-word perplexity (words split on white space).
///
///     let evaluator = PerplexityEvaluator(model: model, tokenizer: tokenizer)
///     let result = try evaluator.evaluate(texts: [(id: 1, text: "held-out prose …")])
///     result.metric("bits_per_byte")
public struct PerplexityEvaluator {
    public let model: DecoderModel
    public let tokenizer: any TextTokenizer
    public var scorer: LoglikelihoodScorer

    public init(model: DecoderModel, tokenizer: any TextTokenizer) {
        self.model = model
        self.tokenizer = tokenizer
        scorer = LoglikelihoodScorer(model: model)
    }

    /// Scores the texts. `progress` hears of every text tokenized (phase "tokenizing") and every
    /// model step (phase "scoring", in tokens).
    public func evaluate(texts: [(id: Int64, text: String)], progress: ProgressHandler = { _ in }) throws -> PerplexityScores {
        let window = model.config.maxPositions
        var requests: [ScoringRequest] = []
        var owners: [Int] = []
        var tokenCounts: [Int] = []
        progress(StageProgress(phase: "tokenizing", done: 0, total: texts.count, unit: .count("texts")))
        for (index, text) in texts.enumerated() {
            defer { progress(StageProgress(phase: "tokenizing", done: index + 1, total: texts.count, unit: .count("texts"))) }
            var ids = tokenizer.encode(text.text)
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= model.config.vocabSize }) {
                throw EvaluationError.vocabularyMismatch(tokenId: bad, vocabularySize: model.config.vocabSize)
            }
            // Without a BOS/EOS token the first token has nothing to condition on; it is context only.
            if let prefix = tokenizer.prefixTokenId { ids.insert(prefix, at: 0) }
            tokenCounts.append(max(ids.count - 1, 0))
            var start = 0
            while start + 1 < ids.count {
                let end = min(start + window, ids.count - 1)
                requests.append(ScoringRequest(prefix: [ids[start]], continuations: [Array(ids[(start + 1)...end])]))
                owners.append(index)
                start = end
            }
        }
        let lls = try scorer.logLikelihoods(requests, progress: progress)
        var sums = [Double](repeating: 0, count: texts.count)
        for (request, owner) in owners.enumerated() { sums[owner] += lls[request][0] }
        let results = texts.indices.map { index in
            TextResult(rawTextId: texts[index].id, logLikelihood: sums[index], tokenCount: tokenCounts[index],
                       byteCount: texts[index].text.utf8.count,
                       wordCount: texts[index].text.split(whereSeparator: { $0.isWhitespace }).count)
        }
        return PerplexityScores(results: results)
    }
}

/// One held-out text's summed log-likelihood (nats) and the units it is normalised by.
///
///     let result = scores.results[0]
///     let bitsPerByte = -result.logLikelihood / Double(result.byteCount) / log(2)
public struct TextResult: Sendable, Equatable {
    public var rawTextId: Int64
    public var logLikelihood: Double
    public var tokenCount: Int
    public var byteCount: Int
    public var wordCount: Int

    public init(rawTextId: Int64, logLikelihood: Double, tokenCount: Int, byteCount: Int, wordCount: Int) {
        self.rawTextId = rawTextId
        self.logLikelihood = logLikelihood
        self.tokenCount = tokenCount
        self.byteCount = byteCount
        self.wordCount = wordCount
    }
}

/// Corpus-level perplexity figures: sums over all texts first, then normalised (the harness's
/// weighted means), so long texts weigh by their length.
///
///     scores.metric("token_perplexity")?.value   // exp(-Σ ll / Σ tokens)
public struct PerplexityScores: Sendable, Equatable {
    public var results: [TextResult]
    public var metrics: [Metric]

    public init(results: [TextResult]) {
        self.results = results
        let ll = results.reduce(0) { $0 + $1.logLikelihood }
        let tokens = Double(results.reduce(0) { $0 + $1.tokenCount })
        let bytes = Double(results.reduce(0) { $0 + $1.byteCount })
        let words = Double(results.reduce(0) { $0 + $1.wordCount })
        metrics = [
            Metric(name: "token_perplexity", value: exp(-ll / max(tokens, 1)), stderr: nil),
            Metric(name: "bits_per_byte", value: -ll / max(bytes, 1) / log(2), stderr: nil),
            Metric(name: "word_perplexity", value: exp(-ll / max(words, 1)), stderr: nil),
        ]
    }

    public func metric(_ name: String) -> Metric? { metrics.first { $0.name == name } }
}
