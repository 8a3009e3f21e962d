/// Where each named tensor lives inside the one contiguous parameter (or gradient) buffer,
/// with transformers' names and shapes.
///
///     let layout = ParameterLayout(config: config)
///     let q0 = layout.layers[0].qProj          // offset of model.layers.0.self_attn.q_proj.weight
///     for tensor in layout.tensors { print(tensor.name, tensor.shape) }
public struct ParameterLayout: Sendable {
    /// One named tensor: its transformers name, shape (row-major, [out, in] for projections) and offset.
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    /// Offsets of one decoder layer's tensors. q, k, v and gate, up are laid out back to back
    /// (inference multiplies each group as one matrix).
    public struct Layer: Sendable {
        public var inputNorm = 0, qProj = 0, kProj = 0, vProj = 0, oProj = 0
        public var postAttentionNorm = 0, gateProj = 0, upProj = 0, downProj = 0
    }

    public private(set) var tensors: [Tensor] = []
    public private(set) var embedTokens = 0
    public private(set) var layers: [Layer] = []
    public private(set) var finalNorm = 0
    /// Equal to `embedTokens` when the embeddings are tied.
    public private(set) var lmHead = 0
    public private(set) var totalCount = 0

    public init(config c: ModelConfig) {
        embedTokens = add("model.embed_tokens.weight", [c.vocabSize, c.hiddenSize])
        for index in 0..<c.layerCount {
            let prefix = "model.layers.\(index)."
            var layer = Layer()
            layer.inputNorm = add(prefix + "input_layernorm.weight", [c.hiddenSize])
            layer.qProj = add(prefix + "self_attn.q_proj.weight", [c.qSize, c.hiddenSize])
            layer.kProj = add(prefix + "self_attn.k_proj.weight", [c.kvSize, c.hiddenSize])
            layer.vProj = add(prefix + "self_attn.v_proj.weight", [c.kvSize, c.hiddenSize])
            layer.oProj = add(prefix + "self_attn.o_proj.weight", [c.hiddenSize, c.qSize])
            layer.postAttentionNorm = add(prefix + "post_attention_layernorm.weight", [c.hiddenSize])
            layer.gateProj = add(prefix + "mlp.gate_proj.weight", [c.intermediateSize, c.hiddenSize])
            layer.upProj = add(prefix + "mlp.up_proj.weight", [c.intermediateSize, c.hiddenSize])
            layer.downProj = add(prefix + "mlp.down_proj.weight", [c.hiddenSize, c.intermediateSize])
            layers.append(layer)
        }
        finalNorm = add("model.norm.weight", [c.hiddenSize])
        lmHead = c.tieWordEmbeddings ? embedTokens : add("lm_head.weight", [c.vocabSize, c.hiddenSize])
    }

    private mutating func add(_ name: String, _ shape: [Int]) -> Int {
        let tensor = Tensor(name: name, shape: shape, offset: totalCount)
        tensors.append(tensor)
        totalCount += tensor.count
        return tensor.offset
    }

    /// True for the RMSNorm gains (initialised to one, excluded from weight decay).
    static func isNorm(_ tensor: Tensor) -> Bool { tensor.shape.count == 1 }
}
