/// Everything the forward pass keeps for the backward pass at one (B, T), plus the backward
/// scratch buffers; allocated once per shape, never inside the training loop.
///
///     let logits = FloatBuffer(count: 4 * 512 * config.vocabSize)
///     let acts = Activations(config: config, batchSize: 4, sequenceLength: 512, logits: logits)
final class Activations {
    let B: Int, T: Int
    var N: Int { B * T }

    let tokens: UnsafeMutablePointer<Int32>
    let positions: UnsafeMutablePointer<Int32>
    /// residual[l]: input of layer l [N, C]; residual[L]: output of the last layer.
    let residual: [FloatBuffer]
    let ln1: [FloatBuffer], ln1Rstd: [FloatBuffer]
    let q: [FloatBuffer], k: [FloatBuffer], v: [FloatBuffer]
    let att: [FloatBuffer]
    let attOut: [FloatBuffer]
    let residualMid: [FloatBuffer]
    let ln2: [FloatBuffer], ln2Rstd: [FloatBuffer]
    let gate: [FloatBuffer], up: [FloatBuffer], hidden: [FloatBuffer]
    let finalNorm: FloatBuffer, finalRstd: FloatBuffer
    /// [N, V]: a view into the whole batch's logits, so that a batch cut into shards still
    /// has its logits in one block.
    let logits: FloatBuffer
    let lse: FloatBuffer

    // Backward scratch, reused by every layer.
    let dResidual: FloatBuffer, dNorm: FloatBuffer
    let dQ: FloatBuffer, dK: FloatBuffer, dV: FloatBuffer, dAttOut: FloatBuffer, dAtt: FloatBuffer
    let dGate: FloatBuffer, dUp: FloatBuffer, dHidden: FloatBuffer

    init(config c: ModelConfig, batchSize B: Int, sequenceLength T: Int, logits: FloatBuffer) {
        precondition(logits.count == B * T * c.vocabSize, "logits buffer of the wrong size")
        self.B = B
        self.T = T
        let N = B * T, L = c.layerCount
        func perLayer(_ count: Int) -> [FloatBuffer] { (0..<L).map { _ in FloatBuffer(count: count) } }
        tokens = .allocate(capacity: N)
        tokens.initialize(repeating: 0, count: N)
        positions = .allocate(capacity: N)
        for n in 0..<N { (positions + n).initialize(to: Int32(n % T)) }
        residual = (0...L).map { _ in FloatBuffer(count: N * c.hiddenSize) }
        ln1 = perLayer(N * c.hiddenSize)
        ln1Rstd = perLayer(N)
        q = perLayer(N * c.qSize)
        k = perLayer(N * c.kvSize)
        v = perLayer(N * c.kvSize)
        att = perLayer(B * c.headCount * T * T)
        attOut = perLayer(N * c.qSize)
        residualMid = perLayer(N * c.hiddenSize)
        ln2 = perLayer(N * c.hiddenSize)
        ln2Rstd = perLayer(N)
        gate = perLayer(N * c.intermediateSize)
        up = perLayer(N * c.intermediateSize)
        hidden = perLayer(N * c.intermediateSize)
        finalNorm = FloatBuffer(count: N * c.hiddenSize)
        finalRstd = FloatBuffer(count: N)
        self.logits = logits
        lse = FloatBuffer(count: N)
        dResidual = FloatBuffer(count: N * c.hiddenSize)
        dNorm = FloatBuffer(count: N * c.hiddenSize)
        dQ = FloatBuffer(count: N * c.qSize)
        dK = FloatBuffer(count: N * c.kvSize)
        dV = FloatBuffer(count: N * c.kvSize)
        dAttOut = FloatBuffer(count: N * c.qSize)
        dAtt = FloatBuffer(count: B * c.headCount * T * T)
        dGate = FloatBuffer(count: N * c.intermediateSize)
        dUp = FloatBuffer(count: N * c.intermediateSize)
        dHidden = FloatBuffer(count: N * c.intermediateSize)
    }

    deinit {
        tokens.deallocate()
        positions.deallocate()
    }
}
