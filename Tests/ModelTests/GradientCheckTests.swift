import Testing
@testable import Model

/// Finite-difference checks of the explicit backward pass, for every parameter tensor.
@Suite struct GradientCheckTests {
    static let B = 2, T = 6
    static let tokens: [Int32] = [0, 5, 9, 13, 2, 30, 7, 7, 21, 4, 36, 1]
    // Next-token targets; one ignored (-1) and a mask that down-weights a few positions.
    static let targets: [Int32] = [5, 9, 13, 2, 30, -1, 7, 21, 4, 36, 1, 3]
    static let mask: [Float] = [1, 1, 0.5, 1, 0, 1, 1, 1, 1, 0.25, 1, 1]

    func check(tied: Bool, window: Int?) throws {
        let model = try tinyModel(tied: tied, window: window, seed: 11)
        model.zeroGradients()
        try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets, mask: Self.mask)
        try model.backward()
        func loss() throws -> Float {
            try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets, mask: Self.mask) ?? .nan
        }
        let h: Float = 1e-2
        for tensor in model.layout.tensors {
            guard let values = model.parameter(named: tensor.name), let gradient = model.gradient(named: tensor.name) else {
                Issue.record("no storage for \(tensor.name)")
                continue
            }
            let analytic = Array(gradient)
            // The three largest gradients (relative check) and three fixed positions (absolute check).
            let largest = analytic.indices.sorted { abs(analytic[$0]) > abs(analytic[$1]) }.prefix(3)
            let fixed = [0, tensor.count / 2, tensor.count - 1]
            var checkedNonZero = false
            for index in Array(largest) + fixed {
                let saved = values[index]
                values[index] = saved + h
                let plus = try loss()
                values[index] = saved - h
                let minus = try loss()
                values[index] = saved
                let numeric = (plus - minus) / (2 * h)
                let error = abs(numeric - analytic[index])
                #expect(error <= 2e-3 + 3e-2 * abs(analytic[index]),
                        "\(tensor.name)[\(index)] analytic \(analytic[index]) numeric \(numeric) (tied \(tied), window \(String(describing: window)))")
                if abs(analytic[index]) > 1e-3 { checkedNonZero = true }
            }
            #expect(checkedNonZero, "\(tensor.name): gradient is zero everywhere checked")
        }
    }

    @Test func untiedFullAttention() throws { try check(tied: false, window: nil) }
    @Test func tiedSlidingWindow() throws { try check(tied: true, window: 3) }

    @Test func gradientsAccumulateAcrossBackwardCalls() throws {
        let model = try tinyModel()
        model.zeroGradients()
        try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets)
        try model.backward()
        let once = Array(model.gradient(named: "model.layers.1.mlp.down_proj.weight") ?? UnsafeMutableBufferPointer(start: nil, count: 0))
        try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets)
        try model.backward()
        let twice = Array(model.gradient(named: "model.layers.1.mlp.down_proj.weight") ?? UnsafeMutableBufferPointer(start: nil, count: 0))
        #expect(!once.isEmpty)
        #expect(maxAbsDifference(twice, once.map { 2 * $0 }) < 1e-5)
    }

    @Test func backwardWithoutLossIsAnError() throws {
        let model = try tinyModel()
        try model.forward(tokens: [1, 2, 3], batchSize: 1, sequenceLength: 3)
        #expect(throws: ModelError.self) { try model.backward() }
    }

    @Test func adamWStepsLowerTheLoss() throws {
        let model = try tinyModel(std: 0.1)
        let optimizer = AdamW(model: model, learningRate: 1e-2, weightDecay: 0.1)
        var losses: [Float] = []
        for _ in 0..<20 {
            model.zeroGradients()
            losses.append(try model.forward(tokens: Self.tokens, batchSize: Self.B, sequenceLength: Self.T, targets: Self.targets) ?? .nan)
            try model.backward()
            model.clipGradients(maxNorm: 1)
            optimizer.update(model)
        }
        #expect(optimizer.stepCount == 20)
        #expect(losses[19] < losses[0] * 0.5, "losses \(losses)")
    }
}
