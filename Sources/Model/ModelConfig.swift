import Foundation
import JSONLines

/// The hyper-parameters of a Mistral/Llama decoder, read from and written to transformers'
/// `config.json` (field names as in `MistralConfig` / `LlamaConfig`). `Codable` with the
/// Swift field names, the form a training run records in `training_runs.config_json`.
///
///     let config = try ModelConfig.load(path: "models/tiny/config.json")
///     print(config.hiddenSize, config.headDim, config.parameterCount)
///     try config.write(path: "out/config.json")
public struct ModelConfig: Codable, Equatable, Sendable {
    /// Which transformers class the checkpoint is for; both share the same tensors.
    public enum Architecture: String, Codable, Sendable {
        case mistral = "MistralForCausalLM"
        case llama = "LlamaForCausalLM"

        var modelType: String { self == .mistral ? "mistral" : "llama" }
    }

    public var architecture: Architecture = .mistral
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var rmsNormEps: Float = 1e-6
    public var ropeTheta: Double = 10000
    public var maxPositions: Int = 2048
    public var tieWordEmbeddings: Bool = false
    /// A token at position i sees positions j with i - j < slidingWindow (nil: the whole prefix).
    public var slidingWindow: Int? = nil
    public var bosTokenId: Int? = 0
    public var eosTokenIds: [Int] = [1]
    /// The dtype the checkpoint declares; we always compute and write float32.
    public var torchDtype: String = "float32"

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case architecture, vocabSize, hiddenSize, intermediateSize, layerCount, headCount, kvHeadCount, headDim, rmsNormEps
        case ropeTheta, maxPositions, tieWordEmbeddings, slidingWindow, bosTokenId, eosTokenIds, torchDtype
    }

    public init(
        architecture: Architecture = .mistral, vocabSize: Int, hiddenSize: Int, intermediateSize: Int,
        layerCount: Int, headCount: Int, kvHeadCount: Int, headDim: Int? = nil, rmsNormEps: Float = 1e-6,
        ropeTheta: Double = 10000, maxPositions: Int = 2048, tieWordEmbeddings: Bool = false,
        slidingWindow: Int? = nil, bosTokenId: Int? = 0, eosTokenIds: [Int] = [1]
    ) {
        self.architecture = architecture
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDim = headDim ?? hiddenSize / max(headCount, 1)
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.maxPositions = maxPositions
        self.tieWordEmbeddings = tieWordEmbeddings
        self.slidingWindow = slidingWindow
        self.bosTokenId = bosTokenId
        self.eosTokenIds = eosTokenIds
    }

    /// The shared benchmark configs of `../shared/bench` (`CONFIGS` in torch_peer.py, as
    /// written by make_models.py), by name.
    public static func preset(_ name: String) -> ModelConfig? {
        switch name {
        case "tiny":
            return ModelConfig(vocabSize: 4096, hiddenSize: 256, intermediateSize: 688, layerCount: 4,
                               headCount: 4, kvHeadCount: 2, slidingWindow: 4096)
        case "small":
            return ModelConfig(vocabSize: 8192, hiddenSize: 512, intermediateSize: 1376, layerCount: 8,
                               headCount: 8, kvHeadCount: 4, slidingWindow: 4096)
        default:
            return nil
        }
    }

    public var qSize: Int { headCount * headDim }
    public var kvSize: Int { kvHeadCount * headDim }

    /// The largest value each size may take. Far above any released checkpoint (Llama 3 405B:
    /// hidden 16384, intermediate 53248, 126 layers, vocabulary 128256, 131072 positions), they
    /// keep every product of sizes well inside `Int`; the memory check does the rest.
    static let sizeLimits: [(field: String, size: KeyPath<ModelConfig, Int> & Sendable, limit: Int)] = [
        ("vocab_size", \.vocabSize, 1 << 22),
        ("hidden_size", \.hiddenSize, 1 << 20),
        ("intermediate_size", \.intermediateSize, 1 << 20),
        ("num_hidden_layers", \.layerCount, 1 << 12),
        ("num_attention_heads", \.headCount, 1 << 12),
        ("num_key_value_heads", \.kvHeadCount, 1 << 12),
        ("head_dim", \.headDim, 1 << 14),
        ("max_position_embeddings", \.maxPositions, 1 << 24),
    ]

    /// Checks the relations the model relies on, each size against its bound, and the memory
    /// the weights (and RoPE table) would take against `MemoryLimit`; `path` names the file in
    /// the error. Nothing is allocated before this passes.
    public func validate(path: String, memoryLimit: Double = MemoryLimit.bytes) throws(ModelError) {
        for (field, size, limit) in Self.sizeLimits {
            let value = self[keyPath: size]
            if value <= 0 { throw .malformedConfig(path: path, field: field, reason: "must be a positive integer, found \(value)") }
            if value > limit {
                throw .malformedConfig(path: path, field: field, reason: "\(value) is larger than \(limit), the most this implementation accepts")
            }
        }
        if headCount % kvHeadCount != 0 {
            throw .malformedConfig(path: path, field: "num_key_value_heads",
                                   reason: "\(kvHeadCount) does not divide num_attention_heads \(headCount)")
        }
        if headDim % 2 != 0 { throw .malformedConfig(path: path, field: "head_dim", reason: "must be even for RoPE, found \(headDim)") }
        if !(rmsNormEps > 0) { throw .malformedConfig(path: path, field: "rms_norm_eps", reason: "must be positive") }
        if !(ropeTheta > 0) || !ropeTheta.isFinite { throw .malformedConfig(path: path, field: "rope_theta", reason: "must be positive and finite") }
        if let window = slidingWindow, window <= 0 {
            throw .malformedConfig(path: path, field: "sliding_window", reason: "must be positive or null")
        }
        try MemoryLimit.check(modelBytes, for: "\(path): a model of \(String(format: "%.3g", parameterEstimate)) parameters (hidden_size \(hiddenSize), intermediate_size \(intermediateSize), num_hidden_layers \(layerCount), vocab_size \(vocabSize), head_dim \(headDim), max_position_embeddings \(maxPositions))",
                              advice: "check these fields of the config", limit: memoryLimit)
    }

    /// The parameter count in floating point: exact for any real model, and free of overflow
    /// for the sizes of a hostile file.
    public var parameterEstimate: Double {
        let C = Double(hiddenSize), V = Double(vocabSize), I = Double(intermediateSize)
        let Q = Double(headCount) * Double(headDim), K = Double(kvHeadCount) * Double(headDim)
        let perLayer = 2 * C + 2 * C * Q + 2 * C * K + 3 * C * I
        return V * C * (tieWordEmbeddings ? 1 : 2) + Double(layerCount) * perLayer + C
    }

    /// Bytes of the weights (float32) and the RoPE table a loaded model holds.
    public var modelBytes: Double {
        4 * parameterEstimate + 4 * Double(maxPositions) * Double(headDim)
    }

    /// Bytes of the activations and backward scratch one forward pass over B × T tokens
    /// allocates (see `Activations`), the logits included.
    public func activationBytes(batchSize B: Int, sequenceLength T: Int) -> Double {
        let b = Double(B), t = Double(T), N = b * t
        let C = Double(hiddenSize), V = Double(vocabSize), I = Double(intermediateSize), L = Double(layerCount)
        let Q = Double(headCount) * Double(headDim), K = Double(kvHeadCount) * Double(headDim)
        let attention = b * Double(headCount) * t * t
        let perLayer = N * (3 * C + 2 + 2 * Q + 2 * K + 3 * I) + attention
        let scratch = N * (2 * C + 2 * Q + 2 * K + 3 * I) + attention
        let floats = (L + 1) * N * C + L * perLayer + N * (C + 2) + N * V + scratch
        return 4 * floats + 8 * N
    }

    /// Bytes a training step at B × T holds: weights, gradients (one set per batch shard),
    /// both AdamW moments and the activations.
    public func trainingBytes(batchSize B: Int, sequenceLength T: Int) -> Double {
        let shards = Double(min(max(B, 1), DecoderModel.trainingShardCount))
        return 4 * parameterEstimate * (3 + shards) + 4 * Double(maxPositions) * Double(headDim)
            + activationBytes(batchSize: B, sequenceLength: T) + 12 * Double(B) * Double(T)
    }

    // MARK: config.json

    /// Reads a transformers `config.json`.
    public static func load(path: String) throws(ModelError) -> ModelConfig {
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let json: JSONValue
        do { json = try JSONParser.parse(line: bytes) } catch {
            throw .malformedConfig(path: path, field: "(file)", reason: "invalid JSON at byte \(error.offset): \(error.message)")
        }
        return try parse(json, path: path)
    }

    static func parse(_ json: JSONValue, path: String) throws(ModelError) -> ModelConfig {
        func int(_ field: String) throws(ModelError) -> Int {
            guard let value = json[field] else { throw .malformedConfig(path: path, field: field, reason: "missing") }
            guard let number = value.intValue else {
                throw .malformedConfig(path: path, field: field, reason: "expected an integer, found \(value.kindDescription)")
            }
            return number
        }
        func optionalInt(_ field: String) throws(ModelError) -> Int? {
            guard let value = json[field], value != .null else { return nil }
            guard let number = value.intValue else {
                throw .malformedConfig(path: path, field: field, reason: "expected an integer or null, found \(value.kindDescription)")
            }
            return number
        }
        func double(_ value: JSONValue?, _ field: String) throws(ModelError) -> Double? {
            guard let value, value != .null else { return nil }
            guard let number = value.doubleValue else {
                throw .malformedConfig(path: path, field: field, reason: "expected a number, found \(value.kindDescription)")
            }
            return number
        }

        let architectureName: String
        if let names = json["architectures"]?.arrayValue, let first = names.first?.stringValue {
            architectureName = first
        } else if let modelType = json["model_type"]?.stringValue {
            architectureName = modelType == "llama" ? "LlamaForCausalLM" : modelType == "mistral" ? "MistralForCausalLM" : modelType
        } else {
            throw .malformedConfig(path: path, field: "architectures", reason: "missing (and no model_type)")
        }
        guard let architecture = Architecture(rawValue: architectureName) else {
            throw .unsupportedArchitecture(path: path, architecture: architectureName)
        }
        if let act = json["hidden_act"]?.stringValue, act != "silu" {
            throw .unsupportedFeature(path: path, field: "hidden_act", reason: "activation \"\(act)\"")
        }
        for flag in ["attention_bias", "mlp_bias"] where json[flag]?.boolValue == true {
            throw .unsupportedFeature(path: path, field: flag, reason: "bias terms")
        }
        // Rope: transformers 5 nests it in rope_parameters; older versions use rope_theta + rope_scaling.
        var theta = try double(json["rope_theta"], "rope_theta")
        for field in ["rope_parameters", "rope_scaling"] {
            guard let rope = json[field], rope != .null else { continue }
            if let type = (rope["rope_type"] ?? rope["type"])?.stringValue, type != "default" {
                throw .unsupportedFeature(path: path, field: field, reason: "rope type \"\(type)\"")
            }
            if let nested = try double(rope["rope_theta"], "\(field).rope_theta") { theta = nested }
        }

        let hidden = try int("hidden_size")
        let heads = try int("num_attention_heads")
        var config = ModelConfig(
            architecture: architecture,
            vocabSize: try int("vocab_size"),
            hiddenSize: hidden,
            intermediateSize: try int("intermediate_size"),
            layerCount: try int("num_hidden_layers"),
            headCount: heads,
            kvHeadCount: try optionalInt("num_key_value_heads") ?? heads,
            headDim: try optionalInt("head_dim"),
            rmsNormEps: Float(try double(json["rms_norm_eps"], "rms_norm_eps") ?? 1e-6),
            ropeTheta: theta ?? 10000,
            maxPositions: try optionalInt("max_position_embeddings") ?? 2048,
            tieWordEmbeddings: json["tie_word_embeddings"]?.boolValue ?? false,
            slidingWindow: architecture == .mistral ? try optionalInt("sliding_window") : nil,
            bosTokenId: try optionalInt("bos_token_id"))
        if let eos = json["eos_token_id"], eos != .null {
            if let list = eos.arrayValue {
                config.eosTokenIds = list.compactMap(\.intValue)
            } else if let single = eos.intValue {
                config.eosTokenIds = [single]
            } else {
                throw .malformedConfig(path: path, field: "eos_token_id", reason: "expected an integer or a list, found \(eos.kindDescription)")
            }
        } else {
            config.eosTokenIds = []
        }
        config.torchDtype = (json["torch_dtype"] ?? json["dtype"])?.stringValue ?? "float32"
        try config.validate(path: path)
        return config
    }

    /// The config as transformers writes it (float32 weights); fields in a fixed order.
    public func jsonBytes() -> [UInt8] {
        var out = JSONWriter()
        out.object { o in
            o.member("architectures") { json in json.array { a in a.element { $0.string(architecture.rawValue) } } }
            o.member("model_type") { $0.string(architecture.modelType) }
            o.member("vocab_size") { $0.integer(vocabSize) }
            o.member("hidden_size") { $0.integer(hiddenSize) }
            o.member("intermediate_size") { $0.integer(intermediateSize) }
            o.member("num_hidden_layers") { $0.integer(layerCount) }
            o.member("num_attention_heads") { $0.integer(headCount) }
            o.member("num_key_value_heads") { $0.integer(kvHeadCount) }
            o.member("head_dim") { $0.integer(headDim) }
            o.member("hidden_act") { $0.string("silu") }
            // The Float's shortest decimal (1e-06), not its widened binary value (9.99999997e-07).
            o.member("rms_norm_eps") { $0.double(Double(rmsNormEps.description) ?? Double(rmsNormEps)) }
            o.member("rope_theta") { $0.double(ropeTheta) }
            o.member("rope_parameters") { json in
                json.object { r in
                    r.member("rope_theta") { $0.double(ropeTheta) }
                    r.member("rope_type") { $0.string("default") }
                }
            }
            o.member("max_position_embeddings") { $0.integer(maxPositions) }
            o.member("tie_word_embeddings") { $0.bool(tieWordEmbeddings) }
            if architecture == .mistral {
                o.member("sliding_window") { json in if let w = slidingWindow { json.integer(w) } else { json.null() } }
            } else {
                o.member("attention_bias") { $0.bool(false) }
                o.member("mlp_bias") { $0.bool(false) }
            }
            o.member("bos_token_id") { json in if let b = bosTokenId { json.integer(b) } else { json.null() } }
            o.member("eos_token_id") { json in
                if eosTokenIds.count == 1 { json.integer(eosTokenIds[0]) } else { json.array(ofIntegers: eosTokenIds) }
            }
            o.member("torch_dtype") { $0.string("float32") }
            o.member("dtype") { $0.string("float32") }
            o.member("use_cache") { $0.bool(true) }
        }
        return out.bytes + [0x0A]
    }

    /// Writes `config.json` atomically.
    public func write(path: String) throws(ModelError) {
        try AtomicFile.write(jsonBytes(), to: path)
    }

    /// Number of distinct parameters (the tied LM head counted once).
    public var parameterCount: Int { ParameterLayout(config: self).totalCount }
}
