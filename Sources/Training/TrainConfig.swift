import Foundation
import Model

/// Everything that shapes a training run besides the data and the seed: the whole model
/// config (every field of its `config.json`), the batch geometry and the optimisation schedule.
/// Stored as JSON in `training_runs.config_json` and inside every checkpoint, so a run can be
/// replayed from its row alone and a resume checked.
///
///     var config = try TrainConfig.named("tiny")
///     config.steps = 200
///     let json = config.jsonString()   // {"batchSize":8,…,"model":{"headDim":64,…,"ropeTheta":10000,…},…}
public struct TrainConfig: Codable, Equatable, Sendable {
    /// Preset name ("tiny", "small") or the path of the HF config.json the model was built from.
    public var modelName: String
    /// The architecture trained, as its checkpoints' config.json will describe it.
    public var model: ModelConfig
    public var batchSize: Int
    public var sequenceLength: Int
    /// Micro-batches per optimizer step (gradients averaged over them).
    public var gradientAccumulation: Int = 1
    public var steps: Int
    public var learningRate: Float = 3e-4
    /// The cosine decays to `learningRate * minLearningRateRatio`.
    public var minLearningRateRatio: Float = 0.1
    public var warmupSteps: Int = 10
    public var weightDecay: Float = 0.1
    public var beta1: Float = 0.9
    public var beta2: Float = 0.95
    public var gradientClip: Float = 1.0
    /// Write a checkpoint every this many steps (and at the end); 0: only at the end.
    public var checkpointEvery: Int = 0
    /// Measure the held-out loss every this many steps (and at the end) when the run has
    /// held-out data; 0: never. Stored as `eval_loss` in `train_metrics`.
    public var evalEvery: Int = 0
    /// Batches averaged into one held-out loss (nanoGPT's `eval_iters`).
    public var evalBatches: Int = 4
    /// Synthesizer mode: the loss weight of each answer's tokens, relative to the other tokens of
    /// the pairs (nil: 1, all alike). Questions and markers are easy to predict; the answers are
    /// where the synthesizer has to read its text, and the weight makes them count.
    public var answerLossWeight: Float?
    /// The seed of the order the data is read in (and, for a synthesizer, packed in), when it
    /// should not be the run's seed: runs that share it and differ in their seed start from other
    /// weights on the same data, and runs that differ only in it see the data in other orders
    /// from the same weights — which tells the two sources of a run's luck apart. nil: the
    /// run's seed.
    public var dataOrderSeed: Int64?
    /// SHA-256 of the starting weights (float32, in layout order) when the run began from a
    /// model directory rather than from the seed; nil for a random initialisation.
    public var initialWeightsSHA256: String?

    public init(model: ModelConfig, modelName: String, batchSize: Int, sequenceLength: Int, steps: Int) {
        self.modelName = modelName
        self.model = model
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.steps = steps
    }

    /// The shared benchmark geometries of ../shared/bench/torch_peer.py: tiny batch 8 × 256,
    /// small batch 4 × 512.
    public static func named(_ name: String) throws(TrainingError) -> TrainConfig {
        guard let model = ModelConfig.preset(name) else {
            throw .unknownConfig(name: name)
        }
        let (batch, sequence) = name == "tiny" ? (8, 256) : (4, 512)
        return TrainConfig(model: model, modelName: name, batchSize: batch, sequenceLength: sequence, steps: 100)
    }

    /// A preset name, or a JSON file with any of this type's fields over the "tiny" defaults
    /// (a field "base" may name another preset to start from).
    public static func load(nameOrPath: String) throws(TrainingError) -> TrainConfig {
        if ModelConfig.preset(nameOrPath) != nil { return try named(nameOrPath) }
        guard let data = FileManager.default.contents(atPath: nameOrPath) else {
            throw .unreadable(path: nameOrPath, reason: "no such file; use tiny, small or a JSON config file")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TrainingError.malformedConfig(path: nameOrPath, field: "(file)", reason: "expected a JSON object")
            }
            object = parsed
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .malformedConfig(path: nameOrPath, field: "(file)", reason: "invalid JSON: \(error.localizedDescription)")
        }
        let base = (object["base"] as? String) ?? "tiny"
        guard ModelConfig.preset(base) != nil else { throw .malformedConfig(path: nameOrPath, field: "base", reason: "unknown preset \"\(base)\"; use tiny or small") }
        var merged = (try? JSONSerialization.jsonObject(with: try named(base).jsonData())) as? [String: Any] ?? [:]
        var model = merged["model"] as? [String: Any] ?? [:]
        var fields = Self.nestingModelFields(object)
        fields["base"] = nil
        let given = fields["model"] as? [String: Any] ?? [:]
        for (key, value) in given { model[key] = value }
        // head_dim follows the hidden size and heads unless the file sets it.
        if given["headDim"] == nil, let hidden = model["hiddenSize"] as? Int, let heads = model["headCount"] as? Int, heads > 0 {
            model["headDim"] = hidden / heads
        }
        for (key, value) in fields where key != "model" { merged[key] = value }
        merged["model"] = model
        do {
            let bytes = try JSONSerialization.data(withJSONObject: merged)
            return try JSONDecoder().decode(TrainConfig.self, from: bytes)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.keyNotFound(_, context),
                let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .malformedConfig(path: nameOrPath, field: field.isEmpty ? "(file)" : field, reason: context.debugDescription)
        } catch {
            throw .malformedConfig(path: nameOrPath, field: "(file)", reason: error.localizedDescription)
        }
    }

    /// The seed the data order is drawn from in a run seeded `runSeed`.
    public func dataOrder(runSeed: UInt64) -> UInt64 {
        dataOrderSeed.map { UInt64(bitPattern: $0) } ?? runSeed
    }

    /// Tokens consumed per optimizer step.
    public var tokensPerStep: Int { batchSize * sequenceLength * gradientAccumulation }

    /// Checks the relations the trainer relies on.
    public func validate() throws(TrainingError) {
        func check(_ ok: Bool, _ field: String, _ reason: String) throws(TrainingError) {
            if !ok { throw .malformedConfig(path: modelName, field: field, reason: reason) }
        }
        try check(batchSize > 0, "batchSize", "must be positive")
        try check(sequenceLength > 1, "sequenceLength", "must be at least 2")
        try check(sequenceLength <= model.maxPositions, "sequenceLength", "exceeds maxPositions \(model.maxPositions)")
        try check(gradientAccumulation > 0, "gradientAccumulation", "must be positive")
        try check(steps > 0, "steps", "must be positive")
        try check(learningRate > 0 && learningRate.isFinite, "learningRate", "must be positive and finite")
        try check(beta1 >= 0 && beta1 < 1, "beta1", "must be in [0, 1)")
        try check(beta2 >= 0 && beta2 < 1, "beta2", "must be in [0, 1)")
        try check(weightDecay >= 0 && weightDecay.isFinite, "weightDecay", "must be non-negative and finite")
        try check(minLearningRateRatio >= 0 && minLearningRateRatio <= 1, "minLearningRateRatio", "must be in [0, 1]")
        try check(warmupSteps >= 0, "warmupSteps", "must not be negative")
        try check(gradientClip > 0 && !gradientClip.isNaN, "gradientClip", "must be positive")
        try check(checkpointEvery >= 0, "checkpointEvery", "must not be negative")
        try check(evalEvery >= 0, "evalEvery", "must not be negative")
        try check(evalBatches > 0, "evalBatches", "must be positive")
        if let answerLossWeight { try check(answerLossWeight > 0 && answerLossWeight <= 1000, "answerLossWeight", "must be in (0, 1000]") }
        do { try model.validate(path: modelName) } catch {
            throw .malformedConfig(path: modelName, field: "model", reason: error.localizedDescription)
        }
        // Checked before the trainer allocates anything: weights, gradients, moments, activations.
        do {
            try MemoryLimit.check(model.trainingBytes(batchSize: batchSize, sequenceLength: sequenceLength),
                                  for: "training \(modelName) at batch \(batchSize) × \(sequenceLength) tokens",
                                  advice: "use a smaller --batch-size (and --accumulation to keep the tokens per step) or a smaller model")
        } catch {
            throw .malformedConfig(path: modelName, field: "batchSize", reason: error.localizedDescription)
        }
    }

    /// Canonical JSON (sorted keys): equal configs give equal bytes.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    public func jsonString() -> String { String(decoding: jsonData(), as: UTF8.self) }
}

extension TrainConfig {
    /// Takes the architecture of an existing model (fine-tuning starts from its weights).
    public mutating func adopt(_ model: ModelConfig, name: String) {
        modelName = name
        self.model = model
    }

    /// A config object whose model fields may sit at the top level, as in config files and in
    /// checkpoints written before the model was nested: those fields move into "model".
    static func nestingModelFields(_ object: [String: Any]) -> [String: Any] {
        let modelKeys = Set(ModelConfig.CodingKeys.allCases.map(\.rawValue))
        var result: [String: Any] = [:]
        var model = object["model"] as? [String: Any] ?? [:]
        for (key, value) in object where key != "model" {
            if modelKeys.contains(key) { model[key] = value } else { result[key] = value }
        }
        if !model.isEmpty { result["model"] = model }
        return result
    }
}
