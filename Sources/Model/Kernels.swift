import CKernels
import COpenBLAS
import Foundation
import Synchronization

// The model's layers as llm.c-style forward/backward pairs over flat Float buffers.
// Shapes in the comments: N = tokens in the batch (B*T), C = hidden size, F = intermediate
// size, V = vocabulary, Q = heads*head_dim, K = kv_heads*head_dim. Projection weights are
// stored as transformers does, [out, in] row-major. Backward functions accumulate (+=) into
// parameter gradients and into `dinp` where the comment says so.

typealias FloatPointer = UnsafeMutablePointer<Float>

/// How many cores the model's kernels and OpenBLAS use (default: up to 2, the machine's cores).
///
///     ComputeThreads.use(1)   // e.g. to measure single-core efficiency
public enum ComputeThreads {
    nonisolated(unsafe) public private(set) static var count = min(ProcessInfo.processInfo.activeProcessorCount, 2)

    /// Set before running the model; not meant to change while a forward pass runs.
    public static func use(_ threads: Int) {
        count = max(1, threads)
        openblas_set_num_threads(Int32(count))
    }

    /// Open single-threaded-BLAS sections and the OpenBLAS thread count to restore after the last.
    private static let blasSections = Mutex<(open: Int, savedThreads: Int32)>((0, 0))

    /// Runs `body` with OpenBLAS single-threaded, for callers that already run one thread per
    /// core (OpenBLAS' thread count is process-wide; concurrent sections share one switch).
    static func withSingleThreadedBLAS<R>(_ body: () -> R) -> R {
        blasSections.withLock { state in
            if state.open == 0 {
                state.savedThreads = openblas_get_num_threads()
                openblas_set_num_threads(1)
            }
            state.open += 1
        }
        defer {
            blasSections.withLock { state in
                state.open -= 1
                if state.open == 0 { openblas_set_num_threads(state.savedThreads) }
            }
        }
        return body()
    }
}

/// Runs `body(chunk)` for `count` chunks, on both cores when `work` (roughly: multiply-adds) pays
/// for the thread hop.
@inline(__always)
func parallelChunks(_ count: Int, work: Int, minimumWork: Int = 32_768, _ body: (Int) -> Void) {
    if count > 1 && work > minimumWork && ComputeThreads.count > 1 {
        // Short sections (decode steps) go to the spinning helper; long ones (training shards,
        // optimizer sweeps) wait on Dispatch, which sleeps instead of spinning under load.
        if count == 2 && work < 1 << 27 && HelperThread.shared.run(body) { return }
        withoutActuallyEscaping(body) { escapable in
            // The chunks touch disjoint memory, which is what makes sharing the closure safe.
            let shared = UncheckedSendable(value: escapable)
            DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
        }
    } else {
        for chunk in 0..<count { body(chunk) }
    }
}

struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}

/// Splits 0..<total into `parts` nearly equal ranges.
@inline(__always)
func chunkRange(_ chunk: Int, of parts: Int, total: Int) -> Range<Int> {
    (total * chunk / parts)..<(total * (chunk + 1) / parts)
}

@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        acc0 += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        acc1 += UnsafeRawPointer(a + i + 8).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i + 8).loadUnaligned(as: SIMD8<Float>.self)
        i += 16
    }
    while i + 8 <= n {
        acc0 += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var sum = (acc0 + acc1).sum()
    while i < n { sum += a[i] * b[i]; i += 1 }
    return sum
}

/// y[0..<n] += a * x[0..<n]
@inline(__always)
func axpy(_ y: FloatPointer, _ a: Float, _ x: UnsafePointer<Float>, _ n: Int) {
    var i = 0
    let scale = SIMD8<Float>(repeating: a)
    while i + 8 <= n {
        let sum = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self) + scale * UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(y + i).storeBytes(of: sum, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n { y[i] += a * x[i]; i += 1 }
}

/// x[0..<n] *= factor, on every core.
func scale(_ x: FloatPointer, _ n: Int, by factor: Float) {
    let cores = ComputeThreads.count
    parallelChunks(cores, work: n) { chunk in
        for i in chunkRange(chunk, of: cores, total: n) { x[i] *= factor }
    }
}

/// Σ x[i]² in Double over two fixed halves (on two cores when there are), so the sum is the
/// same on every machine.
func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
    var halves: [Double] = [0, 0]
    halves.withUnsafeMutableBufferPointer { sums in
        parallelChunks(2, work: n) { half in
            let range = chunkRange(half, of: 2, total: n)
            var sum: Double = 0
            var start = range.lowerBound
            while start < range.upperBound {
                let block = min(4096, range.upperBound - start)
                sum += Double(dot(x + start, x + start, block))
                start += block
            }
            sums[half] = sum
        }
    }
    return halves[0] + halves[1]
}

// MARK: - Embedding

/// out[N, C] = table[tokens[n], :]
func embeddingForward(_ out: FloatPointer, _ tokens: UnsafePointer<Int32>, _ table: FloatPointer, _ N: Int, _ C: Int) {
    for n in 0..<N { (out + n * C).update(from: table + Int(tokens[n]) * C, count: C) }
}

/// dtable[tokens[n], :] += dout[n, :]
func embeddingBackward(_ dtable: FloatPointer, _ dout: FloatPointer, _ tokens: UnsafePointer<Int32>, _ N: Int, _ C: Int) {
    for n in 0..<N { axpy(dtable + Int(tokens[n]) * C, 1, dout + n * C, C) }
}

// MARK: - Linear (no bias)

/// Decode steps of up to this many tokens use the weight-stationary kernel instead of BLAS.
let fewTokens = 32
let fewTokensKernelAvailable = ipt_matmul_few_tokens_available() != 0

/// out[N, O] (=, or += when accumulate) inp[N, I] · weight[O, I]ᵀ
func matmulForward(_ out: FloatPointer, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ N: Int, _ I: Int, _ O: Int, accumulate: Bool = false,
                   cores: Int = ComputeThreads.count) {
    if N <= fewTokens && fewTokensKernelAvailable {
        // Output rows split across the cores; each weight row is read from memory once.
        // Handing half to the helper thread costs well under a microsecond while it spins, so
        // only the smallest products (below ~40k multiply-adds) stay on one core.
        parallelChunks(cores, work: N * I * O, minimumWork: 40_000) { part in
            let rows = chunkRange(part, of: cores, total: O)
            _ = ipt_matmul_few_tokens(out, inp, weight, Int32(N), Int32(I), Int32(O), Int32(rows.lowerBound), Int32(rows.upperBound), accumulate ? 1 : 0)
        }
        return
    }
    let beta: Float = accumulate ? 1 : 0
    if N == 1 {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(O), Int32(I), 1, weight, Int32(I), inp, 1, beta, out, 1)
    } else {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(N), Int32(O), Int32(I), 1, inp, Int32(I), weight, Int32(I), beta, out, Int32(O))
    }
}

/// dinp[N, I] (+= when accumulate, else =) dout[N, O] · weight[O, I];  dweight[O, I] += dout[N, O]ᵀ · inp[N, I]
func matmulBackward(_ dinp: FloatPointer, _ dweight: FloatPointer, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                    _ N: Int, _ I: Int, _ O: Int, accumulateInput: Bool) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(N), Int32(I), Int32(O), 1, dout, Int32(O), weight, Int32(I), accumulateInput ? 1 : 0, dinp, Int32(I))
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(O), Int32(I), Int32(N), 1, dout, Int32(O), inp, Int32(I), 1, dweight, Int32(I))
}

// MARK: - RMSNorm

/// out[N, C] = inp · rstd · weight[C], rstd[N] = 1/sqrt(mean(inp²) + eps)   (transformers' MistralRMSNorm)
func rmsnormForward(_ out: FloatPointer, _ rstd: FloatPointer?, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ N: Int, _ C: Int, _ eps: Float,
                    cores: Int = ComputeThreads.count) {
    parallelChunks(cores, work: N * C * 4) { chunk in
        for n in chunkRange(chunk, of: cores, total: N) {
            let x = inp + n * C, y = out + n * C
            let r = 1 / (dot(x, x, C) / Float(C) + eps).squareRoot()
            rstd?[n] = r
            for i in 0..<C { y[i] = weight[i] * (x[i] * r) }
        }
    }
}

/// dinp[N, C] += ∂/∂inp;  dweight[C] += Σ_n dout · inp · rstd
func rmsnormBackward(_ dinp: FloatPointer, _ dweight: FloatPointer, _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                     _ rstd: UnsafePointer<Float>, _ N: Int, _ C: Int) {
    for n in 0..<N {
        let x = inp + n * C, dy = dout + n * C, dx = dinp + n * C
        let r = rstd[n]
        var projection: Float = 0  // Σ dy·w·x
        for i in 0..<C { projection += dy[i] * weight[i] * x[i] }
        let coefficient = projection * r * r * r / Float(C)
        for i in 0..<C {
            dweight[i] += dy[i] * x[i] * r
            dx[i] += r * dy[i] * weight[i] - coefficient * x[i]
        }
    }
}

// MARK: - RoPE

/// cos/sin of position·inv_freq for every position and frequency, as transformers computes
/// them in float32 (rotate_half convention: pairs (i, i + head_dim/2)).
struct RopeTable {
    let half: Int
    let cos: [Float]
    let sin: [Float]

    init(headDim: Int, theta: Double, positions: Int) {
        half = headDim / 2
        var cosValues = [Float](repeating: 0, count: positions * half)
        var sinValues = cosValues
        for i in 0..<half {
            let inverseFrequency = 1 / Float(pow(theta, Double(2 * i) / Double(headDim)))
            for p in 0..<positions {
                let angle = Float(p) * inverseFrequency
                cosValues[p * half + i] = Foundation.cos(angle)
                sinValues[p * half + i] = Foundation.sin(angle)
            }
        }
        cos = cosValues
        sin = sinValues
    }
}

/// In place on x[N, heads*headDim]: rotates each head by its token's position (inverse = true:
/// rotates back, which is the backward pass of the rotation).
func ropeApply(_ x: FloatPointer, _ positions: UnsafePointer<Int32>, _ table: RopeTable, _ N: Int, _ heads: Int, _ headDim: Int, inverse: Bool = false) {
    let half = table.half
    table.cos.withUnsafeBufferPointer { cosTable in
        table.sin.withUnsafeBufferPointer { sinTable in
            for n in 0..<N {
                let c = cosTable.baseAddress! + Int(positions[n]) * half
                let s = sinTable.baseAddress! + Int(positions[n]) * half
                let sign: Float = inverse ? -1 : 1
                for h in 0..<heads {
                    let v = x + (n * heads + h) * headDim
                    for i in 0..<half {
                        let x1 = v[i], x2 = v[i + half], si = sign * s[i]
                        v[i] = x1 * c[i] - x2 * si
                        v[i + half] = x2 * c[i] + x1 * si
                    }
                }
            }
        }
    }
}

// MARK: - SwiGLU

/// out[N, F] = silu(gate) · up
func swigluForward(_ out: FloatPointer, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>, _ count: Int, cores: Int = ComputeThreads.count) {
    parallelChunks(cores, work: count * 8) { chunk in
        let range = chunkRange(chunk, of: cores, total: count)
        ipt_swiglu_forward(out + range.lowerBound, gate + range.lowerBound, up + range.lowerBound, range.count)
    }
}

/// dgate[N, F] = dout · up · silu'(gate);  dup[N, F] = dout · silu(gate)   (both written, not accumulated)
func swigluBackward(_ dgate: FloatPointer, _ dup: FloatPointer, _ dout: UnsafePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>, _ count: Int,
                    cores: Int = ComputeThreads.count) {
    parallelChunks(cores, work: count * 8) { chunk in
        let range = chunkRange(chunk, of: cores, total: count)
        let r = range.lowerBound
        ipt_swiglu_backward(dgate + r, dup + r, dout + r, gate + r, up + r, range.count)
    }
}

// MARK: - Cross-entropy

/// Σ_n weight[n] · −log softmax(logits[n])[target[n]] and Σ weight, with weight = mask (or 1);
/// targets < 0 are ignored. Leaves each row's log-sum-exp in lse[N].
func crossEntropyForward(_ lse: FloatPointer, _ logits: UnsafePointer<Float>, _ targets: UnsafePointer<Int32>, _ mask: UnsafePointer<Float>?, _ N: Int, _ V: Int) -> (lossSum: Double, weight: Double) {
    var total: Double = 0, weight: Double = 0
    for n in 0..<N {
        let row = logits + n * V
        let maximum = ipt_max(row, V)
        lse[n] = maximum + log(ipt_exp_shifted(nil, row, V, maximum))
        let w = targets[n] < 0 ? 0 : (mask?[n] ?? 1)
        if w != 0 {
            total += Double(w * (lse[n] - row[Int(targets[n])]))
            weight += Double(w)
        }
    }
    return (total, weight)
}

/// In place: logits[N, V] becomes dloss/dlogits = w/Σw · (softmax − onehot(target)).
func crossEntropyBackward(_ logits: FloatPointer, _ lse: UnsafePointer<Float>, _ targets: UnsafePointer<Int32>, _ mask: UnsafePointer<Float>?, _ totalWeight: Float, _ N: Int, _ V: Int,
                          cores: Int = ComputeThreads.count) {
    parallelChunks(cores, work: N * V * 4) { chunk in
        for n in chunkRange(chunk, of: cores, total: N) {
            let row = logits + n * V
            let w = targets[n] < 0 || totalWeight == 0 ? 0 : (mask?[n] ?? 1) / totalWeight
            if w == 0 {
                row.update(repeating: 0, count: V)
                continue
            }
            ipt_exp_scaled(row, V, lse[n], w)
            row[Int(targets[n])] -= w
        }
    }
}
