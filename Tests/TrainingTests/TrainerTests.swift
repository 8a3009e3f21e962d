import Foundation
import Model
import Randomness
import Store
import Testing
@testable import Training

/// A 2-layer model small enough for many steps in a debug build.
func tinyConfig(steps: Int, accumulation: Int = 1) -> TrainConfig {
    let model = ModelConfig(vocabSize: 41, hiddenSize: 16, intermediateSize: 24, layerCount: 2, headCount: 4, kvHeadCount: 2, maxPositions: 64)
    var config = TrainConfig(model: model, modelName: "test", batchSize: 3, sequenceLength: 12, steps: steps)
    config.gradientAccumulation = accumulation
    config.warmupSteps = 2
    config.learningRate = 1e-2
    return config
}

/// Five sequences of a repeating pattern with seeded noise: learnable, and the trainer wraps
/// around them several times (so resume crosses epoch boundaries).
func patternData(count: Int = 5, length: Int = 12, seed: UInt64 = 9) -> PackedSequences {
    var rng = SeededGenerator(seed: seed, stream: 0)
    var sequences: [TrainingSequence] = []
    for s in 0..<count {
        var tokens: [Int32] = []
        for i in 0..<length {
            let noise = Int32(truncatingIfNeeded: rng.next() % 41)
            tokens.append(i % 4 == 3 ? noise : Int32((s + i) % 7 + 2))
        }
        sequences.append(TrainingSequence(tokens: tokens))
    }
    return PackedSequences(sequences: sequences, sequenceLength: length, identity: "pattern-\(seed)")
}

func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-training-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func weights(_ model: DecoderModel) -> [Float] { model.withAllParameters { Array($0) } }

@Suite struct TrainerTests {
    @Test func sameSnapshotConfigAndSeedGiveTheSameLossAtEveryStep() throws {
        let config = tinyConfig(steps: 8, accumulation: 2)
        func losses(seed: UInt64) throws -> [Float] {
            let trainer = try Trainer(config: config, data: patternData(), seed: seed)
            return try (0..<config.steps).map { _ in try trainer.step().loss }
        }
        let first = try losses(seed: 3)
        #expect(first == (try losses(seed: 3)))
        #expect(first != (try losses(seed: 4)))
    }

    @Test func aDataOrderSeedFixesTheOrderWhateverTheRunSeed() throws {
        let directory = try temporaryDirectory()
        var config = tinyConfig(steps: 9)
        func order(_ trainer: Trainer, steps: Int) -> [Int] {
            var cursor = trainer.cursor
            return (0..<steps * config.batchSize).map { _ in cursor.next() }
        }
        let plain = try Trainer(config: config, data: patternData(), seed: 3)
        config.dataOrderSeed = 3
        let sameOrder = try Trainer(config: config, data: patternData(), seed: 4)
        #expect(order(sameOrder, steps: 9) == order(plain, steps: 9))
        #expect(weights(sameOrder.model) != weights(plain.model))
        config.dataOrderSeed = 5
        let otherOrder = try Trainer(config: config, data: patternData(), seed: 3)
        #expect(order(otherOrder, steps: 9) != order(plain, steps: 9))
        #expect(weights(otherOrder.model) == weights(plain.model))
        // The order is the checkpoint's config, so a resume keeps it.
        for _ in 0..<4 { _ = try otherOrder.step() }
        let sha = try otherOrder.checkpoint(to: directory + "/step-000004")
        let resumed = try Trainer(resuming: try Checkpoint.load(directory: directory + "/step-000004", expectedSHA256: sha), config: config, data: patternData())
        #expect(resumed.cursor == otherOrder.cursor)
        #expect(order(resumed, steps: 5) == order(otherOrder, steps: 5))
        // Without the seed, the run's config (and its JSON) is what it always was.
        #expect(!tinyConfig(steps: 9).jsonString().contains("dataOrderSeed"))
    }

    @Test func trainingLowersTheLoss() throws {
        let config = tinyConfig(steps: 40)
        let trainer = try Trainer(config: config, data: patternData(), seed: 1)
        let losses = try (0..<config.steps).map { _ in try trainer.step().loss }
        let early: Float = losses.prefix(5).reduce(0, +) / 5
        let late: Float = losses.suffix(5).reduce(0, +) / 5
        #expect(late < early - 0.5)
    }

    @Test func aResumedRunEndsWithBitIdenticalWeights() throws {
        let directory = try temporaryDirectory()
        let config = tinyConfig(steps: 9, accumulation: 2)
        let data = patternData()
        let straight = try Trainer(config: config, data: data, seed: 5)
        let straightLosses = try (0..<9).map { _ in try straight.step().loss }

        let first = try Trainer(config: config, data: data, seed: 5)
        for _ in 0..<4 { _ = try first.step() }
        let sha = try first.checkpoint(to: directory + "/step-000004")
        let resumed = try Trainer(resuming: try Checkpoint.load(directory: directory + "/step-000004", expectedSHA256: sha), config: config, data: data)
        #expect(resumed.stepCount == 4)
        let resumedLosses = try (4..<9).map { _ in try resumed.step().loss }

        #expect(Array(straightLosses[4...]) == resumedLosses)
        #expect(weights(resumed.model) == weights(straight.model))
        #expect(resumed.optimizer.state() == straight.optimizer.state())
        #expect(resumed.cursor == straight.cursor)
    }

    @Test func aRunFromGivenWeightsRecordsTheirHashAndResumeKeepsIt() throws {
        let directory = try temporaryDirectory()
        let config = tinyConfig(steps: 3)
        #expect(try Trainer(config: config, data: patternData(), seed: 5).config.initialWeightsSHA256 == nil)
        let start = try DecoderModel(config: config.model)
        start.randomize(seed: 77)
        let before = weights(start)
        let trainer = try Trainer(config: config, data: patternData(), seed: 5, initialModel: start)
        let hash = try #require(trainer.config.initialWeightsSHA256)
        #expect(hash == Hex.sha256(before.withUnsafeBytes { Data($0) }))
        _ = try trainer.step()
        let sha = try trainer.checkpoint(to: directory + "/step-000001")
        #expect(trainer.config.jsonString().contains(hash))
        // The resuming command line does not know the starting weights; the checkpoint does.
        let resumed = try Trainer(resuming: try Checkpoint.load(directory: directory + "/step-000001", expectedSHA256: sha), config: config, data: patternData())
        #expect(resumed.config.initialWeightsSHA256 == hash)
        let other = try DecoderModel(config: config.model)
        other.randomize(seed: 78)
        #expect(try Trainer(config: config, data: patternData(), seed: 5, initialModel: other).config.initialWeightsSHA256 != hash)
    }

    @Test func resumeRefusesOtherDataOrConfig() throws {
        let directory = try temporaryDirectory()
        let config = tinyConfig(steps: 4)
        let trainer = try Trainer(config: config, data: patternData(), seed: 5)
        _ = try trainer.step()
        try trainer.checkpoint(to: directory + "/step-000001")
        let checkpoint = try Checkpoint.load(directory: directory + "/step-000001")
        #expect(throws: TrainingError.self) { try Trainer(resuming: checkpoint, config: config, data: patternData(seed: 10)) }
        var other = config
        other.learningRate = 0.5
        #expect(throws: TrainingError.self) { try Trainer(resuming: checkpoint, config: other, data: patternData()) }
        var longer = config
        longer.steps = 10
        #expect(try Trainer(resuming: checkpoint, config: longer, data: patternData()).stepCount == 1)
    }

    @Test func presetsTrainExactlyThePresetModel() throws {
        for name in ["tiny", "small"] {
            #expect(try TrainConfig.named(name).model == ModelConfig.preset(name), "\(name)")
        }
    }

    @Test func learningRateWarmsUpLinearlyThenDecaysByCosine() {
        var config = tinyConfig(steps: 110)
        config.warmupSteps = 10
        config.learningRate = 1
        config.minLearningRateRatio = 0.1
        #expect(learningRate(step: 0, config: config) == 0.1)
        #expect(abs(learningRate(step: 4, config: config) - 0.5) < 1e-6)
        #expect(learningRate(step: 10, config: config) == 1)
        #expect(abs(learningRate(step: 60, config: config) - 0.55) < 1e-5)
        #expect(abs(learningRate(step: 110, config: config) - 0.1) < 1e-6)
        let decay = (10...110).map { learningRate(step: $0, config: config) }
        #expect(zip(decay, decay.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func gradientAccumulationMatchesOneLargerBatch() throws {
        // Two micro-batches of 3 average to the same gradient as one batch of 6 (up to float rounding).
        var accumulated = tinyConfig(steps: 1, accumulation: 2)
        accumulated.gradientClip = 1e9
        var large = accumulated
        large.gradientAccumulation = 1
        large.batchSize = 6
        let a = try Trainer(config: accumulated, data: patternData(count: 6), seed: 2)
        let b = try Trainer(config: large, data: patternData(count: 6), seed: 2)
        let ma = try a.step(), mb = try b.step()
        #expect(abs(ma.loss - mb.loss) < 1e-4)
        #expect(abs(ma.gradientNorm - mb.gradientNorm) / mb.gradientNorm < 1e-3)
    }
}
