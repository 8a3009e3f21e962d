import Foundation
import Model
import ProgressReporting
import Store

/// What one optimizer step did.
///
///     let metrics = try trainer.step()
///     print(metrics.step, metrics.loss, metrics.tokensPerSecond)
public struct StepMetrics: Equatable, Sendable {
    /// 1-based: the number of optimizer steps done after this one.
    public var step: Int
    public var loss: Float
    public var learningRate: Float
    public var gradientNorm: Float
    public var tokensPerSecond: Double
    /// The held-out loss measured after this step (`TrainConfig.evalEvery`), if it was.
    public var evalLoss: Float?

    /// The line `ipt train` prints for this step of a run of `steps`, with the time left.
    public func line(steps: Int, eta: Double) -> String {
        let heldOut = evalLoss.map { String(format: "  eval %.4f", $0) } ?? ""
        return String(format: "step %d/%d  loss %.4f%@  lr %.2e  norm %.3f  %.0f tok/s  ETA %@", step, steps, loss, heldOut,
                      learningRate, gradientNorm, tokensPerSecond, ProgressText.duration(eta))
    }
}

/// nanoGPT's loop for the decoder of the Model target: batch → forward → backward → clip →
/// AdamW step. Everything that decides the next step — weights, optimizer moments, step
/// count, data position — is in `checkpoint(to:)`, so a resumed trainer continues bit for bit.
///
///     let trainer = try Trainer(config: config, data: data, seed: 1)
///     while trainer.stepCount < config.steps { let m = try trainer.step(); print(m.loss) }
///     try trainer.checkpoint(to: "runs/a/step-000100")
public final class Trainer {
    public let config: TrainConfig
    public let model: DecoderModel
    public let optimizer: AdamW
    public let data: TrainingData
    public let seed: UInt64
    public private(set) var stepCount: Int
    public private(set) var cursor: DataCursor
    /// The tokenizer.json of the data's tokenizer, copied into every checkpoint so that it opens
    /// in transformers and as a synthesis backend (`--backend model:DIR`) on its own.
    public var tokenizerJSON: Data?

    /// A fresh run: the model from `initialModel` (fine-tuning) or randomly initialised from
    /// `seed`; the data read in the order of `config.dataOrder(runSeed: seed)`.
    public init(config: TrainConfig, data: TrainingData, seed: UInt64, initialModel: DecoderModel? = nil) throws(TrainingError) {
        try config.validate()
        try Self.check(data: data, config: config)
        var config = config
        config.initialWeightsSHA256 = initialModel.map(Self.weightsSHA256)
        self.config = config
        self.data = data
        self.seed = seed
        if let initialModel {
            model = initialModel
        } else {
            do { model = try DecoderModel(config: config.model) } catch { throw .model(error.localizedDescription) }
            model.randomize(seed: seed)
        }
        optimizer = AdamW(model: model, learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2,
                          weightDecay: config.weightDecay)
        stepCount = 0
        cursor = DataCursor(sequenceCount: data.sequenceCount, seed: config.dataOrder(runSeed: seed))
    }

    /// Continues the run a checkpoint was written from. The data must be the same (identity),
    /// and so must the config, except for `steps` and `checkpointEvery`, which may be extended.
    public init(resuming checkpoint: Checkpoint, config: TrainConfig, data: TrainingData) throws(TrainingError) {
        let state = checkpoint.state
        try config.validate()
        try Self.check(data: data, config: config)
        guard state.dataIdentity == data.identity else {
            throw .resumeMismatch(path: checkpoint.directory, reason: "it was trained on data \(state.dataIdentity), not \(data.identity)")
        }
        // The starting weights are the checkpoint's business, not the resuming command line's.
        var config = config
        config.initialWeightsSHA256 = state.config.initialWeightsSHA256
        var comparable = config
        comparable.steps = state.config.steps
        comparable.checkpointEvery = state.config.checkpointEvery
        guard comparable == state.config else {
            throw .resumeMismatch(path: checkpoint.directory, reason: "its config was \(state.config.jsonString())")
        }
        self.config = config
        self.data = data
        seed = state.seed
        model = checkpoint.model
        optimizer = AdamW(model: model, learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2,
                          weightDecay: config.weightDecay)
        do { try optimizer.restore(checkpoint.optimizer) } catch { throw .corruptCheckpoint(path: checkpoint.directory, reason: error.localizedDescription) }
        stepCount = state.step
        let orderSeed = config.dataOrder(runSeed: state.seed)
        cursor = DataCursor(sequenceCount: data.sequenceCount, seed: orderSeed, position: state.dataPosition)
        guard cursor.generator == state.rng, cursor.epoch == state.epoch else {
            throw .resumeMismatch(path: checkpoint.directory, reason: "its RNG state does not match data-order seed \(orderSeed) at data position \(state.dataPosition)")
        }
    }

    /// The SHA-256 of a model's weights as float32 in layout order (whatever file format they came from).
    static func weightsSHA256(_ model: DecoderModel) -> String {
        model.withAllParameters { Hex.sha256(Data(buffer: $0)) }
    }

    static func check(data: TrainingData, config: TrainConfig) throws(TrainingError) {
        guard data.sequenceCount > 0 else { throw .noData(reason: "the data has no complete sequence") }
        guard data.sequenceLength == config.sequenceLength else {
            throw .malformedConfig(path: config.modelName, field: "sequenceLength",
                                   reason: "\(config.sequenceLength) differs from the data's sequence length \(data.sequenceLength)")
        }
    }

    /// One optimizer step over `gradientAccumulation` micro-batches of `batchSize` sequences.
    public func step() throws(TrainingError) -> StepMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        let B = config.batchSize, T = config.sequenceLength
        model.zeroGradients()
        var lossSum: Float = 0
        for _ in 0..<config.gradientAccumulation {
            let (tokens, targets, mask) = Self.batch(data, sequences: (0..<B).map { _ in cursor.next() })
            do {
                lossSum += try model.forward(tokens: tokens, batchSize: B, sequenceLength: T, targets: targets, mask: mask) ?? 0
                try model.backward()
            } catch {
                throw .model(error.localizedDescription)
            }
        }
        if config.gradientAccumulation > 1 { model.scaleGradients(by: 1 / Float(config.gradientAccumulation)) }
        let norm = model.clipGradients(maxNorm: config.gradientClip)
        let lr = learningRate(step: stepCount, config: config)
        optimizer.update(model, learningRate: lr)
        stepCount += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return StepMetrics(step: stepCount, loss: lossSum / Float(config.gradientAccumulation), learningRate: lr,
                           gradientNorm: norm, tokensPerSecond: Double(config.tokensPerStep) / max(seconds, 1e-9))
    }

    /// nanoGPT's `get_batch`: the inputs, next-token targets (-1 past each sequence's end) and
    /// loss mask of the listed sequences, [B, T].
    static func batch(_ data: TrainingData, sequences indices: [Int]) -> ([Int32], [Int32], [Float]?) {
        var tokens: [Int32] = [], targets: [Int32] = [], mask: [Float] = []
        var anyMask = false
        for index in indices {
            let sequence = data.sequence(index)
            tokens += sequence.tokens
            targets += sequence.tokens.dropFirst()
            targets.append(-1)
            if let m = sequence.lossMask { anyMask = true; mask += m } else { mask += repeatElement(1, count: sequence.tokens.count) }
        }
        return (tokens, targets, anyMask ? mask : nil)
    }

    /// nanoGPT's `estimate_loss` on held-out data: the mean forward-only loss of `evalBatches`
    /// batches, always the same sequences (the first ones, wrapping), so the values of a run
    /// compare step to step. Touches neither the weights nor the data order.
    public func heldOutLoss(on heldOut: TrainingData) throws(TrainingError) -> Float {
        let B = config.batchSize, T = config.sequenceLength
        guard heldOut.sequenceLength == T, heldOut.sequenceCount > 0 else {
            throw .noData(reason: "held-out data needs sequences of \(T) tokens, found \(heldOut.sequenceCount) of \(heldOut.sequenceLength)")
        }
        var sum: Float = 0
        for k in 0..<config.evalBatches {
            let (tokens, targets, mask) = Self.batch(heldOut, sequences: (0..<B).map { (k * B + $0) % heldOut.sequenceCount })
            do { sum += try model.forward(tokens: tokens, batchSize: B, sequenceLength: T, targets: targets, mask: mask) ?? 0 } catch {
                throw .model(error.localizedDescription)
            }
        }
        return sum / Float(config.evalBatches)
    }

    /// The trainer's state for a checkpoint.
    public var state: TrainerState {
        TrainerState(step: stepCount, dataPosition: cursor.position, epoch: cursor.epoch, rng: cursor.generator,
                     seed: seed, dataIdentity: data.identity, config: config)
    }

    /// Writes a checkpoint of the current step; returns its SHA-256.
    @discardableResult
    public func checkpoint(to directory: String, interruptAfter: Checkpoint.Stage? = nil) throws(TrainingError) -> String {
        try Checkpoint.write(to: directory, model: model, optimizer: optimizer, state: state, tokenizerJSON: tokenizerJSON, interruptAfter: interruptAfter)
    }
}
