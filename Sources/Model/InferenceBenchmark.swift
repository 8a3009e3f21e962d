import Foundation
import JSONLines
import ProgressReporting
import Randomness

/// Prompt-evaluation and batched-decode speed of a model, measured the way
/// `../shared/bench/llamacpp_peer.py` measures llama.cpp: random prompts (token 0, then ids
/// from 3..<vocab) prefilled into a KV cache, then greedy decode of every sequence together.
///
///     let bench = InferenceBenchmark(batch: 4, promptTokens: 128, newTokens: 64, runs: 5)
///     let result = try bench.run(model: model) { print($0) }
///     print(result.decodeTokensPerSecond)
public struct InferenceBenchmark: Sendable {
    public var batch: Int
    public var promptTokens: Int
    public var newTokens: Int
    /// Timed runs (one warm-up run comes first); medians are reported.
    public var runs: Int

    public init(batch: Int, promptTokens: Int, newTokens: Int, runs: Int) {
        self.batch = batch
        self.promptTokens = promptTokens
        self.newTokens = newTokens
        self.runs = runs
    }

    /// Medians over the timed runs, per wall-clock second and per CPU-second of this process
    /// (on a machine shared with other work, a 1-thread run's CPU-time rate approximates its
    /// speed on an idle core).
    public struct Result: Sendable {
        public var promptTokensPerSecond: Double
        public var decodeTokensPerSecond: Double
        public var promptTokensPerCPUSecond: Double
        public var decodeTokensPerCPUSecond: Double
    }

    /// Runs the benchmark; `log` gets one line per timed run.
    public func run(model: DecoderModel, log: (String) -> Void = { _ in }) throws(ModelError) -> Result {
        let V = model.config.vocabSize
        var rng = SeededGenerator(seed: 0, stream: 0)
        let prompts: [(slot: Int, tokens: [Int32])] = (0..<batch).map { slot in
            (slot, [0] + (1..<promptTokens).map { _ in Int32(3 + Int(rng.next() % UInt64(V - 3))) })
        }
        let session = try InferenceSession(model: model, slotCount: batch, capacity: promptTokens + newTokens,
                                           maxTokensPerStep: max(batch, min(batch * promptTokens, 512)))
        let sampler = Sampler()
        var unused = SeededGenerator(seed: 0)
        var promptRates: [Double] = [], decodeRates: [Double] = [], promptCPURates: [Double] = [], decodeCPURates: [Double] = []
        for run in 0...runs {
            var next = [Int32](repeating: 0, count: batch)
            let prefill = Stopwatch()
            try session.prefill(prompts) { slot, logits in next[slot] = sampler.pick(from: logits, using: &unused) }
            let (prefillSeconds, prefillCPUSeconds) = prefill.elapsed()
            let decode = Stopwatch()
            let allSlots = Array(0..<batch)
            for step in 0..<newTokens {
                let logits = try session.step(tokens: next, slots: allSlots, positions: Array(repeating: promptTokens + step, count: batch),
                                              logitRows: allSlots)
                for slot in allSlots {
                    next[slot] = sampler.pick(from: UnsafeBufferPointer(rebasing: logits[(slot * V)..<((slot + 1) * V)]), using: &unused)
                }
            }
            let (decodeSeconds, decodeCPUSeconds) = decode.elapsed()
            if run == 0 { continue }  // warm-up
            let promptCount = Double(batch * promptTokens), decodeCount = Double(batch * newTokens)
            promptRates.append(promptCount / prefillSeconds)
            decodeRates.append(decodeCount / decodeSeconds)
            promptCPURates.append(promptCount / prefillCPUSeconds)
            decodeCPURates.append(decodeCount / decodeCPUSeconds)
            log(String(format: "run %d: prompt %.1f tok/s, decode %.1f tok/s", run, promptRates.last ?? 0, decodeRates.last ?? 0))
        }
        return Result(promptTokensPerSecond: Stopwatch.median(promptRates), decodeTokensPerSecond: Stopwatch.median(decodeRates),
                      promptTokensPerCPUSecond: Stopwatch.median(promptCPURates), decodeTokensPerCPUSecond: Stopwatch.median(decodeCPURates))
    }

    /// The result as the one JSON object `ipt model bench` prints (rates rounded to 0.1).
    public func json(_ result: Result, model: String) -> String {
        func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        var out = JSONWriter()
        out.object { o in
            o.member("model") { $0.string(model) }
            o.member("batch") { $0.integer(batch) }
            o.member("prompt_tokens") { $0.integer(promptTokens) }
            o.member("new_tokens") { $0.integer(newTokens) }
            o.member("runs") { $0.integer(runs) }
            o.member("prompt_tokens_per_s") { $0.double(rounded(result.promptTokensPerSecond)) }
            o.member("decode_tokens_per_s") { $0.double(rounded(result.decodeTokensPerSecond)) }
            o.member("threads") { $0.integer(ComputeThreads.count) }
            o.member("prompt_tokens_per_cpu_s") { $0.double(rounded(result.promptTokensPerCPUSecond)) }
            o.member("decode_tokens_per_cpu_s") { $0.double(rounded(result.decodeTokensPerCPUSecond)) }
        }
        return out.text
    }
}
