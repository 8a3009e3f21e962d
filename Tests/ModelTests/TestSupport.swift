import Foundation
@testable import Model

/// A tiny random Mistral config the tests can afford to run in debug builds.
func tinyConfig(tied: Bool = false, window: Int? = nil, architecture: ModelConfig.Architecture = .mistral) -> ModelConfig {
    ModelConfig(architecture: architecture, vocabSize: 37, hiddenSize: 16, intermediateSize: 24, layerCount: 2,
                headCount: 4, kvHeadCount: 2, maxPositions: 64, tieWordEmbeddings: tied, slidingWindow: window)
}

func tinyModel(tied: Bool = false, window: Int? = nil, seed: UInt64 = 1, std: Float = 0.3) throws -> DecoderModel {
    let model = try DecoderModel(config: tinyConfig(tied: tied, window: window))
    model.randomize(seed: seed, standardDeviation: std)
    // Non-unit norm gains so their gradients and the norm's scaling are exercised.
    for tensor in model.layout.tensors where tensor.shape.count == 1 {
        let values = model.parameters.pointer + tensor.offset
        for i in 0..<tensor.count { values[i] = 0.8 + 0.05 * Float(i % 7) }
    }
    return model
}

func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-model-tests-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
