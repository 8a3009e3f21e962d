import Model
import ProgressReporting
import Tokenization

/// Scores multiple-choice items the way lm-evaluation-harness's `hf` model scores a
/// `multiple_choice` task: each choice is the continuation `" " + choice` of the (few-shot)
/// context, its log-likelihood is summed over its tokens, and the argmax gives acc / acc_norm.
/// Pure computation: no database (see `EvaluationRepository` for storing the outcome).
///
///     let evaluator = Evaluator(model: try DecoderModel.load(directory: "models/tiny"), tokenizer: tokenizer)
///     let items = try TaskFile.read(path: "capitals.jsonl")
///     let scores = try evaluator.evaluate(items: items, split: .test, shots: 2, seed: 1234)
///     print(scores.metric("acc")!.value, scores.metric("acc_norm")!.value)
public struct Evaluator {
    public let model: DecoderModel
    public let tokenizer: any TextTokenizer
    public var scorer: LoglikelihoodScorer

    public init(model: DecoderModel, tokenizer: any TextTokenizer) {
        self.model = model
        self.tokenizer = tokenizer
        scorer = LoglikelihoodScorer(model: model)
    }

    /// Scores the items of `split`, drawing `shots` few-shot examples per item from the train
    /// items. Results come back in the order of `items`. `progress` hears of every item
    /// tokenized (phase "tokenizing") and every model step (phase "scoring", in tokens).
    public func evaluate(items: [TaskItem], split: TaskSplit = .test, shots: Int = 0, seed: UInt64 = 0,
                         sampler: FewShotPrompt.Sampler = .random, taskName: String = "task",
                         progress: ProgressHandler = { _ in }) throws -> MultipleChoiceScores {
        let scored = items.filter { $0.split == split }
        if scored.isEmpty { throw EvaluationError.noItems(task: taskName, split: split.rawValue) }
        let pool = items.filter { $0.split == .train }
        let available = split == .train ? pool.count - 1 : pool.count
        if shots > available { throw EvaluationError.notEnoughFewShotItems(task: taskName, requested: shots, available: max(available, 0)) }
        let prompt = FewShotPrompt(pool: pool, shots: shots, seed: seed, sampler: sampler)

        var requests: [ScoringRequest] = []
        // Which request and continuation hold each item's choice (several requests when an
        // item's choices had to be truncated differently).
        var placements: [[(request: Int, continuation: Int)]] = []
        var examples: [[Int64]] = []
        let maxPositions = model.config.maxPositions
        progress(StageProgress(phase: "tokenizing", done: 0, total: scored.count, unit: .count("items")))
        for (position, item) in scored.enumerated() {
            defer { progress(StageProgress(phase: "tokenizing", done: position + 1, total: scored.count, unit: .count("items"))) }
            let (context, exampleIds) = prompt.context(for: item)
            examples.append(exampleIds)
            let pairs = item.choices.map {
                ContinuationEncoding.encode(context: context, continuation: FewShotPrompt.targetDelimiter + $0, tokenizer: tokenizer)
            }
            for pair in pairs {
                if let bad = (pair.context + pair.continuation).first(where: { $0 < 0 || Int($0) >= model.config.vocabSize }) {
                    throw EvaluationError.vocabularyMismatch(tokenId: bad, vocabularySize: model.config.vocabSize)
                }
                if pair.continuation.count > maxPositions {
                    throw EvaluationError.continuationTooLong(item: item.id, tokens: pair.continuation.count, maxPositions: maxPositions)
                }
            }
            // Every choice shares the context's ids (the context string is the same).
            let shared = ScoringRequest(prefix: pairs[0].context, continuations: pairs.map(\.continuation))
            if shared.inputLength <= maxPositions {
                placements.append(pairs.indices.map { (requests.count, $0) })
                requests.append(shared)
            } else {
                // The harness keeps the last max_length + 1 tokens of context + continuation.
                var placed: [(Int, Int)] = []
                for pair in pairs {
                    let whole = Array((pair.context + pair.continuation).suffix(maxPositions + 1))
                    placed.append((requests.count, 0))
                    requests.append(ScoringRequest(prefix: Array(whole.dropLast(pair.continuation.count)), continuations: [pair.continuation]))
                }
                placements.append(placed)
            }
        }
        let lls = try scorer.logLikelihoods(requests, progress: progress)
        let results = scored.indices.map { index in
            ItemResult(item: scored[index], logLikelihoods: placements[index].map { lls[$0.request][$0.continuation] },
                       exampleIds: examples[index])
        }
        return MultipleChoiceScores(results: results)
    }
}
