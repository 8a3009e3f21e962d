import Foundation
import Testing
@testable import Model

@Suite struct FileTests {
    @Test func saveAndLoadRoundTrip() throws {
        for tied in [false, true] {
            let model = try tinyModel(tied: tied, seed: 5)
            let directory = temporaryDirectory()
            try model.save(directory: directory)
            let loaded = try DecoderModel.load(directory: directory)
            #expect(loaded.config == model.config)
            #expect(Array(loaded.parameters.buffer) == Array(model.parameters.buffer))
            let names = try SafetensorsFile(path: directory + "/model.safetensors").entries.keys.sorted()
            #expect(names.contains("lm_head.weight") == !tied)
            #expect(names.count == model.layout.tensors.count)
        }
    }

    @Test func shardedSaveWritesAnIndexAndLoads() throws {
        let model = try tinyModel(seed: 6)
        let directory = temporaryDirectory()
        try model.save(directory: directory, maxShardBytes: 4096)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files.contains("model.safetensors.index.json"))
        #expect(!files.contains("model.safetensors"))
        #expect(files.filter { $0.hasPrefix("model-0") }.count > 1)
        let loaded = try DecoderModel.load(directory: directory)
        #expect(Array(loaded.parameters.buffer) == Array(model.parameters.buffer))
    }

    @Test func configRoundTripAndTransformers5Fields() throws {
        let directory = temporaryDirectory()
        var config = tinyConfig(window: 8)
        config.eosTokenIds = [1, 2]
        try config.write(path: directory + "/config.json")
        #expect(try ModelConfig.load(path: directory + "/config.json") == config)
        // transformers 5 nests rope_theta; head_dim may be absent.
        let json = #"{"architectures":["LlamaForCausalLM"],"vocab_size":50,"hidden_size":32,"intermediate_size":40,"num_hidden_layers":1,"num_attention_heads":4,"rope_parameters":{"rope_theta":500000.0,"rope_type":"default"},"eos_token_id":2}"#
        try json.write(toFile: directory + "/llama.json", atomically: true, encoding: .utf8)
        let llama = try ModelConfig.load(path: directory + "/llama.json")
        #expect(llama.architecture == .llama && llama.ropeTheta == 500000 && llama.headDim == 8 && llama.kvHeadCount == 4 && llama.eosTokenIds == [2])
    }

    @Test func halfAndBFloat16Decode() throws {
        let f16: [UInt16] = [0x3C00, 0xC000, 0x3555, 0x0001, 0x7C00, 0x0000]
        let bf16: [UInt16] = [0x3F80, 0x4049, 0xBF00, 0x0000]
        var data: [UInt8] = []
        for bits in f16 + bf16 { data += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
        let header = #"{"a":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[4],"data_offsets":[12,20]}}"#
        let path = temporaryDirectory() + "/half.safetensors"
        try Data(safetensorsBytes(header: header, data: data)).write(to: URL(fileURLWithPath: path))
        let file = try SafetensorsFile(path: path)
        var a = [Float](repeating: 0, count: 6), b = [Float](repeating: 0, count: 4)
        try a.withUnsafeMutableBufferPointer { try file.read("a", shape: [2, 3], into: $0.baseAddress!) }
        try b.withUnsafeMutableBufferPointer { try file.read("b", shape: [4], into: $0.baseAddress!) }
        #expect(a[0] == 1 && a[1] == -2 && abs(a[2] - 0.33325195) < 1e-7 && a[3] == 0x1p-24 && a[4] == .infinity && a[5] == 0)
        #expect(b == [1, 3.140625, -0.5, 0])
    }

    @Test func malformedFilesAreTypedErrors() throws {
        let model = try tinyModel(seed: 7)
        let directory = temporaryDirectory()
        try model.save(directory: directory)
        let path = directory + "/model.safetensors"
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        // Truncated data.
        try good.prefix(good.count - 10).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelError.self) { try DecoderModel.load(directory: directory) }
        do { _ = try DecoderModel.load(directory: directory) } catch {
            #expect(error.localizedDescription.contains("model.safetensors") && error.localizedDescription.contains("truncated"))
        }
        // Shorter than the header length field; header length beyond the file; invalid JSON.
        for bytes in [[UInt8](repeating: 0, count: 5), safetensorsBytes(header: "{}", data: []).dropLast(1) + [], lengthPrefix(1000) + Array("{}".utf8),
                      safetensorsBytes(header: "{\"a\": [", data: [])] {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: ModelError.self) { try SafetensorsFile(path: path) }
        }
        // A tensor whose byte range does not hold its shape.
        try Data(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)))
            .write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelError.self) { try SafetensorsFile(path: path) }
        // A shape whose element count overflows.
        try Data(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)))
            .write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelError.self) { try SafetensorsFile(path: path) }
        // Unsupported dtype names the tensor.
        try Data(safetensorsBytes(header: #"{"model.norm.weight":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)))
            .write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelError.unsupportedDType(path: path, tensor: "model.norm.weight", dtype: "I64")) {
            var value: Float = 0
            try SafetensorsFile(path: path).read("model.norm.weight", shape: [1], into: &value)
        }
    }

    @Test func mismatchedCheckpointsAreTypedErrors() throws {
        let directory = temporaryDirectory()
        // A tied checkpoint has no lm_head; loading it as untied names the missing tensor.
        try tinyModel(tied: true).save(directory: directory)
        try tinyConfig(tied: false).write(path: directory + "/config.json")
        #expect(throws: ModelError.missingTensor(path: directory + "/model.safetensors", tensor: "lm_head.weight")) {
            try DecoderModel.load(directory: directory)
        }
        // A wider config than the weights.
        var wider = tinyConfig(tied: true)
        wider.intermediateSize = 32
        try wider.write(path: directory + "/config.json")
        #expect(throws: ModelError.shapeMismatch(path: directory + "/model.safetensors", tensor: "model.layers.0.mlp.gate_proj.weight", expected: [32, 16], found: [24, 16])) {
            try DecoderModel.load(directory: directory)
        }
        // Unknown architecture; missing field; missing file.
        try #"{"architectures":["GPT2LMHeadModel"],"vocab_size":10}"#.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        #expect(throws: ModelError.unsupportedArchitecture(path: directory + "/config.json", architecture: "GPT2LMHeadModel")) {
            try DecoderModel.load(directory: directory)
        }
        try #"{"architectures":["MistralForCausalLM"],"vocab_size":10}"#.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        #expect(throws: ModelError.malformedConfig(path: directory + "/config.json", field: "hidden_size", reason: "missing")) {
            try DecoderModel.load(directory: directory)
        }
        #expect(throws: ModelError.fileNotFound(path: directory + "/nowhere/config.json")) {
            try DecoderModel.load(directory: directory + "/nowhere")
        }
    }
}

func lengthPrefix(_ length: Int) -> [UInt8] {
    withUnsafeBytes(of: UInt64(length).littleEndian) { Array($0) }
}

func safetensorsBytes(header: String, data: [UInt8]) -> [UInt8] {
    lengthPrefix(header.utf8.count) + Array(header.utf8) + data
}
