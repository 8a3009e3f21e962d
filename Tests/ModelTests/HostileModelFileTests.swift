import Foundation
import Testing
@testable import Model

/// config.json and safetensors files with sizes or offsets no real checkpoint has: each is an
/// error naming the file and field, raised before anything is allocated.
@Suite struct HostileModelFileTests {
    /// The tiny test config as transformers' JSON with `field` set to `value`, written to a file.
    func config(_ changes: [String: Any]) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(tinyConfig().jsonBytes())) as? [String: Any])
        for (field, value) in changes { object[field] = value }
        let path = temporaryDirectory() + "/config.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    func loadError(_ path: String) -> ModelError? {
        do { _ = try ModelConfig.load(path: path); return nil } catch { return error }
    }

    @Test(arguments: ["hidden_size", "head_dim", "num_attention_heads", "num_key_value_heads", "intermediate_size",
                      "max_position_embeddings", "vocab_size"])
    func aSizeNearABillionIsRefusedNamingItsField(field: String) throws {
        let path = try config([field: 1_000_000_000])
        let error = try #require(loadError(path))
        guard case .malformedConfig(let errorPath, let errorField, let reason) = error else {
            Issue.record("expected malformedConfig, got \(error)")
            return
        }
        #expect(errorPath == path && errorField == field && reason.contains("larger than"), "\(error.localizedDescription)")
    }

    @Test func aMillionLayersIsRefused() throws {
        let error = try #require(loadError(try config(["num_hidden_layers": 1_000_000])))
        #expect(error.localizedDescription.contains("num_hidden_layers"))
    }

    @Test func sizesEachInBoundsButTogetherTooLargeHitTheMemoryLimit() throws {
        // Every field under its bound; together about 4.4e12 parameters.
        let path = try config(["hidden_size": 1 << 20, "intermediate_size": 1 << 20, "num_hidden_layers": 1 << 10,
                               "num_attention_heads": 1 << 12, "num_key_value_heads": 1 << 12, "head_dim": 256])
        let error = try #require(loadError(path))
        guard case .exceedsMemory(let what, _, _, _) = error else {
            Issue.record("expected exceedsMemory, got \(error)")
            return
        }
        #expect(what.contains(path) && what.contains("hidden_size 1048576"))
        #expect(error.localizedDescription.contains("memory limit"))
        // The limit is the stated one: the tiny config passes under a roomy limit and fails under a small one.
        #expect(throws: Never.self) { try tinyConfig().validate(path: "tiny", memoryLimit: 1e9) }
        #expect(throws: ModelError.self) { try tinyConfig().validate(path: "tiny", memoryLimit: 1000) }
        #expect(throws: ModelError.self) { _ = try DecoderModel(config: ModelConfig(vocabSize: 1 << 22, hiddenSize: 1 << 20, intermediateSize: 8, layerCount: 1, headCount: 1, kvHeadCount: 1, headDim: 8)) }
    }

    @Test func aHugeInferenceCacheIsAnErrorNotAnAbort() throws {
        let model = try tinyModel()
        #expect {
            _ = try InferenceSession(model: model, slotCount: 1 << 40, capacity: 64)
        } throws: { error in
            (error as? ModelError)?.localizedDescription.contains("key/value cache") == true
        }
        #expect(throws: ModelError.self) { _ = try InferenceSession(model: model, slotCount: 0, capacity: 64) }
        #expect(throws: ModelError.self) { try model.forward(tokens: [1], batchSize: Int.max, sequenceLength: 2) }
    }

    /// A two-tensor F32 file whose data_offsets are given.
    func safetensors(_ first: (Int, Int), _ second: (Int, Int), dataBytes: Int = 24) throws -> String {
        let header = #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[\#(first.0),\#(first.1)]},"b":{"dtype":"F32","shape":[3],"data_offsets":[\#(second.0),\#(second.1)]}}"#
        let path = temporaryDirectory() + "/m.safetensors"
        try Data(safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: dataBytes))).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func safetensorsOffsetsMustTileTheDataInOrder() throws {
        _ = try SafetensorsFile(path: try safetensors((0, 12), (12, 24)))
        _ = try SafetensorsFile(path: try safetensors((12, 24), (0, 12)))  // Header order does not matter; byte order does not overlap.
        let cases: [((Int, Int), (Int, Int), Int, String)] = [
            ((0, 12), (0, 12), 24, "overlaps"),        // Both tensors read the same bytes.
            ((0, 12), (6, 18), 24, "overlaps"),        // Shifted into its neighbour.
            ((4, 16), (16, 28), 28, "gap"),            // Shifted forward, leaving bytes 0..<4 unread.
            ((0, 12), (12, 24), 32, "trailing"),       // Data nobody claims.
        ]
        for (first, second, size, word) in cases {
            let path = try safetensors(first, second, dataBytes: size)
            #expect {
                _ = try SafetensorsFile(path: path)
            } throws: { error in
                guard case .malformedSafetensors(let errorPath, let reason) = error as? ModelError else { return false }
                return errorPath == path && reason.contains(word)
            }
        }
    }
}
