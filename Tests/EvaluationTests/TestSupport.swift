import Foundation
@testable import Evaluation
import Model
import Tokenization

/// A tiny random Mistral model over the byte vocabulary (ids 0…255, plus BOS 256).
func byteModel(seed: UInt64 = 3, maxPositions: Int = 128, std: Float = 0.5) throws -> DecoderModel {
    let config = ModelConfig(vocabSize: 257, hiddenSize: 16, intermediateSize: 24, layerCount: 2,
                             headCount: 4, kvHeadCount: 2, maxPositions: maxPositions, bosTokenId: 256, eosTokenIds: [256])
    let model = try DecoderModel(config: config)
    model.randomize(seed: seed, standardDeviation: std)
    return model
}

/// Every weight zero: the final norm sees a zero vector, so every logit is 0 and every token has
/// probability exactly 1/vocab — log-likelihoods are −(tokens)·ln(vocab), checkable by hand.
func uniformModel(vocab: Int = 257) throws -> DecoderModel {
    try DecoderModel(config: ModelConfig(vocabSize: vocab, hiddenSize: 8, intermediateSize: 8, layerCount: 1,
                                         headCount: 2, kvHeadCount: 1, maxPositions: 64))
}

/// Reference log-likelihood: one plain forward over prefix + continuation[..<last], log-softmax in Double.
func referenceLogLikelihood(model: DecoderModel, prefix: [Int32], continuation: [Int32]) throws -> Double {
    let input = prefix + continuation.dropLast()
    let rows = try model.logits(sequence: input)
    var total = 0.0
    for (offset, token) in continuation.enumerated() {
        let row = rows[prefix.count - 1 + offset].map(Double.init)
        let maximum = row.max() ?? 0
        let lse = maximum + log(row.reduce(0) { $0 + exp($1 - maximum) })
        total += row[Int(token)] - lse
    }
    return total
}

func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-eval-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

/// A word-level tokenizer whose vocabulary has a token for " blue" and for "sky blue" too, so a
/// merge can cross the context/continuation boundary, as BPE merges do.
struct MergingTokenizer: TextTokenizer {
    let vocabulary = ["<s>": Int32(0), "sky": 1, " blue": 2, "sky blue": 3, " red": 4, "?": 5, " ": 6]
    func encode(_ text: String) -> [Int32] { encode(text, addSpecialTokens: false) }
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        var ids: [Int32] = addSpecialTokens ? [0] : []
        var rest = Substring(text)
        while !rest.isEmpty {
            // Longest match first.
            guard let token = vocabulary.keys.filter({ rest.hasPrefix($0) && $0 != "<s>" }).max(by: { $0.count < $1.count }) else { break }
            ids.append(vocabulary[token]!)
            rest = rest.dropFirst(token.count)
        }
        return ids
    }
    var bosId: Int32? { 0 }
    var eosId: Int32? { nil }
    var prefixTokenText: String? { "<s>" }
    var vocabSize: Int { vocabulary.count }
    var name: String { "merging" }
    var identity: String { "merging" }
}
