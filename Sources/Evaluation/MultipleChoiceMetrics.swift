import Foundation

/// How one item scored, with lm-evaluation-harness's `multiple_choice` rules: `chosen` is the
/// argmax of the summed log-likelihoods (acc), `chosenNorm` the argmax of log-likelihood per
/// character of the choice (acc_norm: Python `len(choice)`), `chosenBytes` per UTF-8 byte
/// (acc_bytes). Ties go to the first choice, as `numpy.argmax` does.
///
///     let result = ItemResult(item: item, logLikelihoods: [-3.2, -2.9], exampleIds: [])
///     result.correct      // chosen == gold
public struct ItemResult: Sendable, Equatable {
    public var itemId: Int64
    public var gold: Int
    public var logLikelihoods: [Double]
    /// Length of each choice (without the target delimiter) in Unicode code points.
    public var choiceCharacters: [Int]
    public var choiceBytes: [Int]
    public var chosen: Int
    public var chosenNorm: Int
    public var chosenBytes: Int
    /// The train items shown as few-shot examples, in prompt order.
    public var exampleIds: [Int64]

    public init(item: TaskItem, logLikelihoods: [Double], exampleIds: [Int64]) {
        itemId = item.id
        gold = item.gold
        self.logLikelihoods = logLikelihoods
        choiceCharacters = item.choices.map { $0.unicodeScalars.count }
        choiceBytes = item.choices.map { $0.utf8.count }
        chosen = Self.argmax(logLikelihoods)
        chosenNorm = Self.argmax(zip(logLikelihoods, choiceCharacters).map { $0 / Double($1) })
        chosenBytes = Self.argmax(zip(logLikelihoods, choiceBytes).map { $0 / Double($1) })
        self.exampleIds = exampleIds
    }

    public var correct: Bool { chosen == gold }
    public var correctNorm: Bool { chosenNorm == gold }
    public var correctBytes: Bool { chosenBytes == gold }

    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
}

/// One aggregate metric with the harness's standard error of the mean (sample standard
/// deviation / √n; nil for fewer than two items).
///
///     let acc = Metric.mean(name: "acc", of: [1, 0, 1, 1])   // value 0.75, stderr 0.25
public struct Metric: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var stderr: Double?

    public init(name: String, value: Double, stderr: Double?) {
        self.name = name
        self.value = value
        self.stderr = stderr
    }

    public static func mean(name: String, of values: [Double]) -> Metric {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / max(n, 1)
        guard values.count > 1 else { return Metric(name: name, value: mean, stderr: nil) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return Metric(name: name, value: mean, stderr: variance.squareRoot() / n.squareRoot())
    }
}

/// Everything one multiple-choice evaluation produced: per-item results and the metrics
/// `acc`, `acc_norm`, `acc_bytes` over them.
///
///     let scores = try evaluator.evaluate(items: items, shots: 0, seed: 0)
///     scores.metric("acc")?.value
public struct MultipleChoiceScores: Sendable, Equatable {
    public var results: [ItemResult]
    public var metrics: [Metric]

    public init(results: [ItemResult]) {
        self.results = results
        metrics = [
            Metric.mean(name: "acc", of: results.map { $0.correct ? 1 : 0 }),
            Metric.mean(name: "acc_norm", of: results.map { $0.correctNorm ? 1 : 0 }),
            Metric.mean(name: "acc_bytes", of: results.map { $0.correctBytes ? 1 : 0 }),
        ]
    }

    public func metric(_ name: String) -> Metric? { metrics.first { $0.name == name } }
}
