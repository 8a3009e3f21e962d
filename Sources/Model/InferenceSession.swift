import CKernels
import Foundation

/// Incremental inference with a key/value cache for several sequences at once: each step
/// runs any mix of tokens (a prompt chunk, or one new token per sequence) as one batch
/// through the matrix multiplies, every token attending to its own sequence's cache.
///
///     let session = InferenceSession(model: model, slotCount: 16, capacity: 192)
///     let logits = try session.step(tokens: [5, 9], slots: [0, 1], positions: [0, 0], logitRows: [0, 1])
///     // logits: 2 rows of vocab_size, valid until the next step
public final class InferenceSession {
    public let model: DecoderModel
    public let slotCount: Int
    /// Positions each sequence slot can hold.
    public let capacity: Int
    /// Most tokens one step may carry.
    public let maxTokensPerStep: Int

    private let keyCache: FloatBuffer    // [L, slots, capacity, K]
    private let valueCache: FloatBuffer  // [L, slots, capacity, K]
    private let x: FloatBuffer, xNorm: FloatBuffer
    private let qkv: FloatBuffer, attOut: FloatBuffer     // qkv: q [M, Q], k [M, K], v [M, K]
    private let gateUp: FloatBuffer                       // gate [M, F], up [M, F]
    private let logits: FloatBuffer
    private let scores: FloatBuffer      // [workers, capacity]
    private let tokenBuffer: UnsafeMutablePointer<Int32>
    private let positionBuffer: UnsafeMutablePointer<Int32>
    private static let workers = 2

    /// Checks the cache and step buffers fit in memory (`MemoryLimit`) before allocating them.
    public init(model: DecoderModel, slotCount: Int, capacity: Int, maxTokensPerStep: Int = 512) throws(ModelError) {
        let c = model.config
        guard slotCount > 0, capacity > 0, maxTokensPerStep > 0 else {
            throw .invalidInput(reason: "inference session: slots (\(slotCount)), capacity (\(capacity)) and tokens per step (\(maxTokensPerStep)) must be positive")
        }
        let positions = min(capacity, c.maxPositions)
        let cacheFloats = 2 * Double(c.layerCount) * Double(slotCount) * Double(positions) * Double(c.kvSize)
        let stepFloats = Double(maxTokensPerStep) * (2 * Double(c.hiddenSize) + 2 * Double(c.qSize) + 2 * Double(c.kvSize)
                                                     + 2 * Double(c.intermediateSize) + Double(c.vocabSize))
        try MemoryLimit.check(c.modelBytes + 4 * (cacheFloats + stepFloats),
                              for: "a key/value cache of \(slotCount) sequences × \(positions) positions",
                              advice: "generate or score fewer sequences at once, or shorter ones")
        self.model = model
        self.slotCount = slotCount
        self.capacity = positions
        self.maxTokensPerStep = maxTokensPerStep
        let cacheCount = c.layerCount * slotCount * self.capacity * c.kvSize
        keyCache = FloatBuffer(count: cacheCount)
        valueCache = FloatBuffer(count: cacheCount)
        let M = maxTokensPerStep
        x = FloatBuffer(count: M * c.hiddenSize)
        xNorm = FloatBuffer(count: M * c.hiddenSize)
        qkv = FloatBuffer(count: M * (c.qSize + 2 * c.kvSize))
        attOut = FloatBuffer(count: M * c.qSize)
        gateUp = FloatBuffer(count: M * 2 * c.intermediateSize)
        logits = FloatBuffer(count: M * c.vocabSize)
        scores = FloatBuffer(count: Self.workers * self.capacity)
        tokenBuffer = .allocate(capacity: M)
        positionBuffer = .allocate(capacity: M)
    }

    deinit {
        tokenBuffer.deallocate()
        positionBuffer.deallocate()
    }

    /// Runs `tokens[i]` of sequence slot `slots[i]` at position `positions[i]`, storing its keys
    /// and values in the cache; returns the logits of the rows listed in `logitRows`
    /// ([logitRows.count, vocab]), valid until the next call. A slot's earlier positions must
    /// already be in the cache (from earlier steps or earlier in this step).
    public func step(tokens: [Int32], slots: [Int], positions: [Int], logitRows: [Int]) throws(ModelError) -> UnsafeBufferPointer<Float> {
        let c = model.config
        let N = tokens.count
        guard N > 0, N <= maxTokensPerStep, slots.count == N, positions.count == N else {
            throw .invalidInput(reason: "step: need 1...\(maxTokensPerStep) tokens with one slot and position each")
        }
        for i in 0..<N {
            guard tokens[i] >= 0, Int(tokens[i]) < c.vocabSize else { throw .invalidInput(reason: "step: token id \(tokens[i]) is outside the vocabulary 0..<\(c.vocabSize)") }
            guard slots[i] >= 0, slots[i] < slotCount else { throw .invalidInput(reason: "step: slot \(slots[i]) outside 0..<\(slotCount)") }
            guard positions[i] >= 0, positions[i] < capacity else { throw .invalidInput(reason: "step: position \(positions[i]) outside the cache capacity \(capacity)") }
            tokenBuffer[i] = tokens[i]
            positionBuffer[i] = Int32(positions[i])
        }
        guard logitRows.allSatisfy({ $0 >= 0 && $0 < N }) else { throw .invalidInput(reason: "step: logit rows must index the step's tokens") }

        let P = model.parameters.pointer, layout = model.layout
        let C = c.hiddenSize, Q = c.qSize, K = c.kvSize, F = c.intermediateSize, V = c.vocabSize
        // One token (batch-1 decode): q/k/v and gate/up weights sit back to back in the
        // parameter buffer, so each pair/triple is one matrix-vector product into adjacent outputs.
        let fused = N == 1
        let q = qkv.pointer, k = q + N * Q, v = k + N * K
        let gate = gateUp.pointer, up = gate + N * F
        embeddingForward(x.pointer, tokenBuffer, P + layout.embedTokens, N, C)
        for l in 0..<c.layerCount {
            let w = layout.layers[l]
            rmsnormForward(xNorm.pointer, nil, x.pointer, P + w.inputNorm, N, C, c.rmsNormEps)
            if fused {
                matmulForward(q, xNorm.pointer, P + w.qProj, 1, C, Q + 2 * K)
            } else {
                matmulForward(q, xNorm.pointer, P + w.qProj, N, C, Q)
                matmulForward(k, xNorm.pointer, P + w.kProj, N, C, K)
                matmulForward(v, xNorm.pointer, P + w.vProj, N, C, K)
            }
            ropeApply(q, positionBuffer, model.rope, N, c.headCount, c.headDim)
            ropeApply(k, positionBuffer, model.rope, N, c.kvHeadCount, c.headDim)
            for i in 0..<N {
                let row = ((l * slotCount + slots[i]) * capacity + positions[i]) * K
                (keyCache.pointer + row).update(from: k + i * K, count: K)
                (valueCache.pointer + row).update(from: v + i * K, count: K)
            }
            cachedAttention(layer: l, q: q, slots: slots, N: N)
            matmulForward(x.pointer, attOut.pointer, P + w.oProj, N, Q, C, accumulate: true)
            rmsnormForward(xNorm.pointer, nil, x.pointer, P + w.postAttentionNorm, N, C, c.rmsNormEps)
            if fused {
                matmulForward(gate, xNorm.pointer, P + w.gateProj, 1, C, 2 * F)
            } else {
                matmulForward(gate, xNorm.pointer, P + w.gateProj, N, C, F)
                matmulForward(up, xNorm.pointer, P + w.upProj, N, C, F)
            }
            swigluForward(gate, gate, up, N * F)
            matmulForward(x.pointer, gate, P + w.downProj, N, F, C, accumulate: true)
        }
        // Only the requested rows go through the final norm and the LM head.
        let R = logitRows.count
        for (r, row) in logitRows.enumerated() {
            rmsnormForward(xNorm.pointer + r * C, nil, x.pointer + row * C, P + layout.finalNorm, 1, C, c.rmsNormEps)
        }
        if R > 0 { matmulForward(logits.pointer, xNorm.pointer, P + layout.lmHead, R, C, V) }
        return UnsafeBufferPointer(start: logits.pointer, count: R * V)
    }

    /// Runs whole prompts into the cache from position 0, packed into shared steps of up to
    /// `maxTokensPerStep` tokens, and hands `next` each prompt's slot with the logits after its
    /// last token (valid only during the call).
    ///
    ///     try session.prefill([(slot: 0, tokens: [0, 5, 9])]) { slot, logits in print(slot, logits.count) }
    public func prefill(_ prompts: [(slot: Int, tokens: [Int32])], next: (Int, UnsafeBufferPointer<Float>) -> Void) throws(ModelError) {
        let V = model.config.vocabSize
        var tokens: [Int32] = [], slots: [Int] = [], positions: [Int] = []
        for prompt in prompts {
            tokens += prompt.tokens
            slots += Array(repeating: prompt.slot, count: prompt.tokens.count)
            positions += Array(0..<prompt.tokens.count)
        }
        var start = 0
        while start < tokens.count {
            let end = min(start + maxTokensPerStep, tokens.count)
            // A row needs logits when it is the last prompt token of its sequence.
            let lastRows = (start..<end).filter { $0 + 1 == tokens.count || positions[$0 + 1] == 0 }
            let logits = try step(tokens: Array(tokens[start..<end]), slots: Array(slots[start..<end]),
                                  positions: Array(positions[start..<end]), logitRows: lastRows.map { $0 - start })
            for (r, row) in lastRows.enumerated() {
                next(slots[row], UnsafeBufferPointer(rebasing: logits[(r * V)..<((r + 1) * V)]))
            }
            start = end
        }
    }

    /// attOut[N, Q]: each token's heads attend over its slot's cached positions ≤ its own.
    private func cachedAttention(layer l: Int, q: UnsafeMutablePointer<Float>, slots: [Int], N: Int) {
        let c = model.config
        let hd = c.headDim, H = c.headCount, K = c.kvSize, Q = c.qSize, group = c.headCount / c.kvHeadCount
        let scale = 1 / Float(hd).squareRoot()
        let window = c.slidingWindow
        let workers = Self.workers
        var work = 0
        for i in 0..<N { work += Int(positionBuffer[i] + 1) * H * hd * 2 }
        let out = attOut.pointer, keys = keyCache.pointer, values = valueCache.pointer
        let positions = positionBuffer, scoreBase = scores.pointer, capacity = capacity, slotCount = slotCount
        slots.withUnsafeBufferPointer { slots in
            parallelChunks(workers, work: work) { worker in
                let p = scoreBase + worker * capacity
                for item in chunkRange(worker, of: workers, total: N * H) {
                    let i = item / H, h = item % H
                    let position = Int(positions[i])
                    let first = window.map { max(0, position - $0 + 1) } ?? 0
                    let base = (l * slotCount + slots[i]) * capacity * K + (h / group) * hd
                    ipt_attend(out + i * Q + h * hd, q + i * Q + h * hd, keys + base, values + base, K,
                               Int32(first), Int32(position), Int32(hd), scale, p)
                }
            }
        }
    }
}
