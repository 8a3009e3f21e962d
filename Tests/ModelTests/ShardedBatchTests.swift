import Testing
@testable import Model

/// A training batch runs as shards of sequences side by side; what a user sees must not depend
/// on that or on how many cores there are.
@Suite struct ShardedBatchTests {
    static let B = 3, T = 5
    static let tokens: [Int32] = [1, 4, 9, 16, 25, 2, 3, 5, 7, 11, 30, 20, 10, 0, 36]
    static let targets: [Int32] = [4, 9, 16, 25, -1, 3, 5, 7, 11, -1, 20, 10, 0, 36, -1]
    static let mask: [Float] = [1, 0.5, 1, 1, 1, 1, 1, 0, 1, 1, 0.25, 1, 1, 1, 1]

    @Test func lossAndGradientsAreBitIdenticalOnOneCoreOrTwo() throws {
        var results: [(Float, [Float])] = []
        for cores in [1, 2] {
            let model = try tinyModel(seed: 5)
            model.cores = cores
            model.zeroGradients()
            let loss = try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets, mask: Self.mask) ?? .nan
            try model.backward()
            results.append((loss, Array(model.gradients?.buffer ?? UnsafeMutableBufferPointer(start: nil, count: 0))))
        }
        #expect(results[0].0 == results[1].0)
        #expect(!results[0].1.isEmpty && results[0].1 == results[1].1)
    }

    @Test func batchLossIsTheMaskWeightedMeanOverAllShards() throws {
        let model = try tinyModel(seed: 6)
        let batchLoss = try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets, mask: Self.mask) ?? .nan
        var weightedSum: Double = 0, weight: Double = 0
        for b in 0..<Self.B {
            let rows = (b * Self.T)..<((b + 1) * Self.T)
            let sequenceWeight = zip(Self.targets[rows], Self.mask[rows]).reduce(0.0) { $0 + ($1.0 < 0 ? 0 : Double($1.1)) }
            let loss = try model.forward(tokens: Array(Self.tokens[rows]), batchSize: 1, sequenceLength: Self.T,
                                         targets: Array(Self.targets[rows]), mask: Array(Self.mask[rows])) ?? .nan
            weightedSum += Double(loss) * sequenceWeight
            weight += sequenceWeight
        }
        #expect(abs(Double(batchLoss) - weightedSum / weight) < 1e-5)
    }

    @Test func logitsOfAShardedBatchAreInSequenceOrder() throws {
        let model = try tinyModel(seed: 7)
        try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets)
        let batch = model.withLogits { Array($0) }
        let V = model.config.vocabSize
        #expect(batch.count == Self.B * Self.T * V)
        for b in 0..<Self.B {
            let alone = try model.logits(sequence: Array(Self.tokens[(b * Self.T)..<((b + 1) * Self.T)])).flatMap { $0 }
            #expect(maxAbsDifference(alone, Array(batch[(b * Self.T * V)..<((b + 1) * Self.T * V)])) < 1e-5)
        }
    }
}
