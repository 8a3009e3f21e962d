import COpenBLAS
import Foundation
import Randomness

/// A Mistral/Llama decoder (transformers' `MistralForCausalLM` / `LlamaForCausalLM`) on the
/// CPU: all parameters in one Float buffer with named views, llm.c-style forward and explicit
/// backward, activations preallocated per (B, T). A training batch (a forward with targets) is
/// data-parallel: its sequences are split into shards that run side by side on the cores.
///
///     let model = try DecoderModel.load(directory: "models/tiny")
///     let loss = try model.forward(tokens: ids, batchSize: 4, sequenceLength: 128, targets: next)
///     model.zeroGradients(); model.backward()
///     optimizer.update(model)
///     try model.save(directory: "checkpoints/step-100")
public final class DecoderModel {
    /// How many shards a training batch of two or more sequences is cut into. Two matches the
    /// two cores this targets; single-threaded sgemm on half the batch per core keeps both
    /// busy through the element-wise layers too, where splitting every kernel would not.
    static let trainingShardCount = 2

    public let config: ModelConfig
    /// Cores for the model's own loops and a training batch's shards (at most
    /// `ComputeThreads.count`; OpenBLAS keeps its process-wide count). Results do not depend on it.
    public var cores = ComputeThreads.count
    public let layout: ParameterLayout
    let parameters: FloatBuffer
    private(set) var gradients: FloatBuffer?
    /// The last forward's batch: one shard, or `trainingShardCount` when it had targets.
    private var shards: [BatchShard] = []
    /// [B*T, V] for the whole batch; each shard's activations view its rows.
    private var logits: FloatBuffer?
    private var lossWeight: Float = 0
    private var hasLoss = false
    let rope: RopeTable

    /// A model with every parameter zero; fill it with `randomize(seed:)` or `load`.
    public init(config: ModelConfig) throws(ModelError) {
        try config.validate(path: "config")  // Bounds every size and the weights' memory before allocating.
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = FloatBuffer(count: layout.totalCount)
        rope = RopeTable(headDim: config.headDim, theta: config.ropeTheta, positions: config.maxPositions)
        configureThreads()
    }

    /// transformers' initialisation: projections and embeddings ~ N(0, 0.02), norm gains 1.
    /// Each tensor draws from its own stream, so the result depends only on the seed and layout.
    public func randomize(seed: UInt64, standardDeviation: Float = 0.02) {
        for (index, tensor) in layout.tensors.enumerated() {
            let values = parameters.pointer + tensor.offset
            if ParameterLayout.isNorm(tensor) {
                values.update(repeating: 1, count: tensor.count)
            } else {
                var rng = SeededGenerator(seed: seed, stream: UInt64(index))
                for i in 0..<tensor.count { values[i] = rng.nextGaussian() * standardDeviation }
            }
        }
    }

    /// The named tensor's values (shared storage: writes change the model).
    public func parameter(named name: String) -> UnsafeMutableBufferPointer<Float>? {
        guard let tensor = layout.tensors.first(where: { $0.name == name }) else { return nil }
        return UnsafeMutableBufferPointer(start: parameters.pointer + tensor.offset, count: tensor.count)
    }

    /// The named tensor's gradient, once `backward` has run.
    public func gradient(named name: String) -> UnsafeMutableBufferPointer<Float>? {
        guard let tensor = layout.tensors.first(where: { $0.name == name }), let gradients else { return nil }
        return UnsafeMutableBufferPointer(start: gradients.pointer + tensor.offset, count: tensor.count)
    }

    // MARK: - Forward

    /// Runs B sequences of T tokens (row-major [B, T]) through the model; logits for every
    /// position are then available through `withLogits`. With `targets` (same shape; < 0 =
    /// ignore) it also returns the mean cross-entropy, weighted per token by `mask` if given.
    @discardableResult
    public func forward(tokens: [Int32], batchSize B: Int, sequenceLength T: Int, targets: [Int32]? = nil, mask: [Float]? = nil) throws(ModelError) -> Float? {
        let c = config
        let (N, overflow) = B.multipliedReportingOverflow(by: T)
        guard B > 0, T > 0, !overflow, tokens.count == N else {
            throw .invalidInput(reason: "forward: expected \(B)×\(T) tokens, got \(tokens.count)")
        }
        guard T <= c.maxPositions else {
            throw .invalidInput(reason: "forward: sequence length \(T) exceeds max_position_embeddings \(c.maxPositions)")
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= c.vocabSize }) {
            throw .invalidInput(reason: "forward: token id \(bad) is outside the vocabulary 0..<\(c.vocabSize)")
        }
        if let targets, targets.count != N { throw .invalidInput(reason: "forward: expected \(N) targets, got \(targets.count)") }
        if let targets, let bad = targets.first(where: { Int($0) >= c.vocabSize }) {
            throw .invalidInput(reason: "forward: target id \(bad) is outside the vocabulary 0..<\(c.vocabSize)")
        }
        if let mask, mask.count != N { throw .invalidInput(reason: "forward: expected \(N) mask values, got \(mask.count)") }

        // Training batches are cut into a fixed number of shards, whatever the core count, so
        // that the floating-point sums (and the trained weights) are the same on every machine.
        let shardCount = targets == nil ? 1 : min(B, Self.trainingShardCount)
        try prepareShards(B: B, T: T, count: shardCount)
        for shard in shards {
            let rows = (shard.sequences.lowerBound * T)..<(shard.sequences.upperBound * T)
            tokens[rows].withUnsafeBufferPointer { shard.activations.tokens.update(from: $0.baseAddress!, count: rows.count) }
            shard.targets = targets.map { Array($0[rows]) } ?? []
            shard.mask = mask.map { Array($0[rows]) }
        }
        runShards { shard, cores in self.forward(shard, cores: cores) }

        hasLoss = false
        guard targets != nil else { return nil }
        let lossSum = shards.reduce(0) { $0 + $1.lossSum }, weight = shards.reduce(0) { $0 + $1.lossWeight }
        lossWeight = Float(weight)
        hasLoss = true
        return weight > 0 ? Float(lossSum / weight) : 0
    }

    /// The forward pass of one shard's sequences; with targets it also leaves its loss sum.
    private func forward(_ shard: BatchShard, cores: Int) {
        let a = shard.activations
        let c = config
        let N = a.N
        let P = parameters.pointer
        let C = c.hiddenSize, Q = c.qSize, K = c.kvSize, F = c.intermediateSize, V = c.vocabSize
        let shape = AttentionShape(B: a.B, T: a.T, heads: c.headCount, kvHeads: c.kvHeadCount, headDim: c.headDim, window: c.slidingWindow)
        embeddingForward(a.residual[0].pointer, a.tokens, P + layout.embedTokens, N, C)
        for l in 0..<c.layerCount {
            let w = layout.layers[l]
            rmsnormForward(a.ln1[l].pointer, a.ln1Rstd[l].pointer, a.residual[l].pointer, P + w.inputNorm, N, C, c.rmsNormEps, cores: cores)
            matmulForward(a.q[l].pointer, a.ln1[l].pointer, P + w.qProj, N, C, Q, cores: cores)
            matmulForward(a.k[l].pointer, a.ln1[l].pointer, P + w.kProj, N, C, K, cores: cores)
            matmulForward(a.v[l].pointer, a.ln1[l].pointer, P + w.vProj, N, C, K, cores: cores)
            ropeApply(a.q[l].pointer, a.positions, rope, N, c.headCount, c.headDim)
            ropeApply(a.k[l].pointer, a.positions, rope, N, c.kvHeadCount, c.headDim)
            attentionForward(a.attOut[l].pointer, a.att[l].pointer, a.q[l].pointer, a.k[l].pointer, a.v[l].pointer, shape, cores: cores)
            a.residualMid[l].pointer.update(from: a.residual[l].pointer, count: N * C)
            matmulForward(a.residualMid[l].pointer, a.attOut[l].pointer, P + w.oProj, N, Q, C, accumulate: true, cores: cores)
            rmsnormForward(a.ln2[l].pointer, a.ln2Rstd[l].pointer, a.residualMid[l].pointer, P + w.postAttentionNorm, N, C, c.rmsNormEps, cores: cores)
            matmulForward(a.gate[l].pointer, a.ln2[l].pointer, P + w.gateProj, N, C, F, cores: cores)
            matmulForward(a.up[l].pointer, a.ln2[l].pointer, P + w.upProj, N, C, F, cores: cores)
            swigluForward(a.hidden[l].pointer, a.gate[l].pointer, a.up[l].pointer, N * F, cores: cores)
            a.residual[l + 1].pointer.update(from: a.residualMid[l].pointer, count: N * C)
            matmulForward(a.residual[l + 1].pointer, a.hidden[l].pointer, P + w.downProj, N, F, C, accumulate: true, cores: cores)
        }
        let L = c.layerCount
        rmsnormForward(a.finalNorm.pointer, a.finalRstd.pointer, a.residual[L].pointer, P + layout.finalNorm, N, C, c.rmsNormEps, cores: cores)
        matmulForward(a.logits.pointer, a.finalNorm.pointer, P + layout.lmHead, N, C, V, cores: cores)
        guard !shard.targets.isEmpty else { return }
        (shard.lossSum, shard.lossWeight) = shard.targets.withUnsafeBufferPointer { t in
            withOptionalPointer(shard.mask) { m in crossEntropyForward(a.lse.pointer, a.logits.pointer, t.baseAddress!, m, N, V) }
        }
    }

    /// Keeps the shards of the last forward if the batch shape is the same, else allocates anew
    /// (after checking the activations fit in memory beside the weights).
    private func prepareShards(B: Int, T: Int, count: Int) throws(ModelError) {
        if shards.count == count, shards.last?.sequences.upperBound == B, shards.first?.activations.T == T { return }
        shards = []  // Frees the old shape before allocating the new one.
        logits = nil
        try MemoryLimit.check(config.modelBytes + config.activationBytes(batchSize: B, sequenceLength: T),
                              for: "a forward pass over \(B) sequences of \(T) tokens", advice: "use a smaller batch or shorter sequences")
        let V = config.vocabSize
        let allLogits = FloatBuffer(count: B * T * V)
        logits = allLogits
        shards = (0..<count).map { index in
            let sequences = chunkRange(index, of: count, total: B)
            let view = FloatBuffer(viewOf: allLogits, offset: sequences.lowerBound * T * V, count: sequences.count * T * V)
            return BatchShard(sequences: sequences, activations: Activations(config: config, batchSize: sequences.count, sequenceLength: T, logits: view))
        }
    }

    /// Runs `body` for every shard: a single shard gets every core; several run side by side
    /// with one core each, OpenBLAS single-threaded meanwhile so that they do not queue for its
    /// thread pool.
    private func runShards(_ body: (BatchShard, _ cores: Int) -> Void) {
        if shards.count == 1 {
            body(shards[0], cores)
            return
        }
        if cores == 1 {
            for shard in shards { body(shard, 1) }
            return
        }
        let shards = shards
        ComputeThreads.withSingleThreadedBLAS {
            parallelChunks(shards.count, work: .max) { body(shards[$0], 1) }
        }
    }

    /// The logits of the last `forward`, [B*T, vocab] row-major. Invalid after `backward`
    /// (which turns them into gradients in place).
    public func withLogits<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        guard let logits else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: logits.pointer, count: logits.count))
    }

    /// Logits for every position of one sequence, one row per position.
    public func logits(sequence: [Int32]) throws(ModelError) -> [[Float]] {
        try forward(tokens: sequence, batchSize: 1, sequenceLength: sequence.count)
        let V = config.vocabSize
        return withLogits { all in (0..<sequence.count).map { Array(all[($0 * V)..<(($0 + 1) * V)]) } }
    }

    // MARK: - Backward

    /// Sets every gradient to zero (allocating the gradient buffer on first use).
    public func zeroGradients() {
        if let gradients { gradients.zero() } else { gradients = FloatBuffer(count: layout.totalCount) }
    }

    /// Back-propagates the loss of the last `forward(…, targets:)`, accumulating into the
    /// gradients (call `zeroGradients` first for a fresh step).
    public func backward() throws(ModelError) {
        guard hasLoss, !shards.isEmpty else {
            throw .invalidInput(reason: "backward: call forward(tokens:…, targets:) first")
        }
        if gradients == nil { zeroGradients() }
        guard let gradients else { return }
        hasLoss = false
        for shard in shards.dropFirst() where shard.gradients == nil { shard.gradients = FloatBuffer(count: layout.totalCount) }
        runShards { shard, cores in
            if let own = shard.gradients { own.zero() }
            self.backward(shard, into: (shard.gradients ?? gradients).pointer, cores: cores)
        }
        // The other shards' gradients join the model's in shard order.
        for shard in shards.dropFirst() {
            guard let own = shard.gradients else { continue }
            parallelChunks(cores, work: own.count) { chunk in
                let range = chunkRange(chunk, of: cores, total: own.count)
                axpy(gradients.pointer + range.lowerBound, 1, own.pointer + range.lowerBound, range.count)
            }
        }
    }

    /// The backward pass of one shard, accumulating its parameter gradients into `G`.
    private func backward(_ shard: BatchShard, into G: FloatPointer, cores: Int) {
        let a = shard.activations
        let c = config
        let P = parameters.pointer
        let N = a.N, C = c.hiddenSize, Q = c.qSize, K = c.kvSize, F = c.intermediateSize, V = c.vocabSize, L = c.layerCount
        let shape = AttentionShape(B: a.B, T: a.T, heads: c.headCount, kvHeads: c.kvHeadCount, headDim: c.headDim, window: c.slidingWindow)

        shard.targets.withUnsafeBufferPointer { t in
            withOptionalPointer(shard.mask) { m in crossEntropyBackward(a.logits.pointer, a.lse.pointer, t.baseAddress!, m, lossWeight, N, V, cores: cores) }
        }
        let dlogits = a.logits.pointer
        matmulBackward(a.dNorm.pointer, G + layout.lmHead, dlogits, a.finalNorm.pointer, P + layout.lmHead, N, C, V, accumulateInput: false)
        a.dResidual.zero()
        rmsnormBackward(a.dResidual.pointer, G + layout.finalNorm, a.dNorm.pointer, a.residual[L].pointer, P + layout.finalNorm, a.finalRstd.pointer, N, C)
        for l in stride(from: L - 1, through: 0, by: -1) {
            let w = layout.layers[l]
            // MLP block: residual[l+1] = residualMid + down(silu(gate(ln2)) · up(ln2)).
            matmulBackward(a.dHidden.pointer, G + w.downProj, a.dResidual.pointer, a.hidden[l].pointer, P + w.downProj, N, F, C, accumulateInput: false)
            swigluBackward(a.dGate.pointer, a.dUp.pointer, a.dHidden.pointer, a.gate[l].pointer, a.up[l].pointer, N * F, cores: cores)
            matmulBackward(a.dNorm.pointer, G + w.gateProj, a.dGate.pointer, a.ln2[l].pointer, P + w.gateProj, N, C, F, accumulateInput: false)
            matmulBackward(a.dNorm.pointer, G + w.upProj, a.dUp.pointer, a.ln2[l].pointer, P + w.upProj, N, C, F, accumulateInput: true)
            rmsnormBackward(a.dResidual.pointer, G + w.postAttentionNorm, a.dNorm.pointer, a.residualMid[l].pointer, P + w.postAttentionNorm, a.ln2Rstd[l].pointer, N, C)
            // Attention block: residualMid = residual[l] + o(attention(rope(q), rope(k), v)).
            matmulBackward(a.dAttOut.pointer, G + w.oProj, a.dResidual.pointer, a.attOut[l].pointer, P + w.oProj, N, Q, C, accumulateInput: false)
            a.dK.zero()
            a.dV.zero()
            attentionBackward(a.dQ.pointer, a.dK.pointer, a.dV.pointer, a.dAtt.pointer, a.dAttOut.pointer, a.att[l].pointer, a.q[l].pointer, a.k[l].pointer, a.v[l].pointer, shape, cores: cores)
            ropeApply(a.dQ.pointer, a.positions, rope, N, c.headCount, c.headDim, inverse: true)
            ropeApply(a.dK.pointer, a.positions, rope, N, c.kvHeadCount, c.headDim, inverse: true)
            matmulBackward(a.dNorm.pointer, G + w.qProj, a.dQ.pointer, a.ln1[l].pointer, P + w.qProj, N, C, Q, accumulateInput: false)
            matmulBackward(a.dNorm.pointer, G + w.kProj, a.dK.pointer, a.ln1[l].pointer, P + w.kProj, N, C, K, accumulateInput: true)
            matmulBackward(a.dNorm.pointer, G + w.vProj, a.dV.pointer, a.ln1[l].pointer, P + w.vProj, N, C, K, accumulateInput: true)
            rmsnormBackward(a.dResidual.pointer, G + w.inputNorm, a.dNorm.pointer, a.residual[l].pointer, P + w.inputNorm, a.ln1Rstd[l].pointer, N, C)
        }
        embeddingBackward(G + layout.embedTokens, a.dResidual.pointer, a.tokens, N, C)
    }

    /// Scales the gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping.
    @discardableResult
    public func clipGradients(maxNorm: Float) -> Float {
        guard let gradients else { return 0 }
        let norm = Float(sumOfSquares(gradients.pointer, gradients.count).squareRoot())
        if norm > maxNorm { scale(gradients.pointer, gradients.count, by: maxNorm / norm) }
        return norm
    }
}

/// OpenBLAS uses both cores unless OPENBLAS_NUM_THREADS or `ComputeThreads.use` says otherwise.
private let threadsConfigured: Bool = {
    if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
        openblas_set_num_threads(Int32(ComputeThreads.count))
    }
    return true
}()

private func configureThreads() { _ = threadsConfigured }

func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
