import Foundation
import JSONLines
import Model
import ProgressReporting
import Randomness

/// Training tokens/s (forward + backward + clip + AdamW, the real trainer step) and MFU on the
/// shared benchmark model with random weights and tokens, timed like
/// `../shared/bench/torch_peer.py`: 2 warm-up steps, then `steps` timed steps per run.
///
///     let bench = try TrainingBenchmark(preset: "tiny", steps: 6, runs: 3)
///     let json = try bench.run { print($0) }
public struct TrainingBenchmark: Sendable {
    public var preset: String
    public var config: TrainConfig
    public var steps: Int
    public var runs: Int

    public init(preset: String, steps: Int, runs: Int) throws(TrainingError) {
        self.preset = preset
        config = try TrainConfig.named(preset)
        config.steps = 1_000_000
        config.warmupSteps = 0
        self.steps = steps
        self.runs = runs
    }

    /// Runs the benchmark (`log` gets one line per run) and returns the JSON object `ipt train
    /// bench` prints: the median tokens/s, model FLOPs per token (6 × non-embedding parameters
    /// + 12 × layers × seq × q-size, the PaLM convention) and MFU against the measured sgemm peak.
    public func run(log: (String) -> Void = { _ in }) throws -> String {
        let B = config.batchSize, T = config.sequenceLength, V = config.model.vocabSize
        var rng = SeededGenerator(seed: 0, stream: 0)
        let sequences = (0..<B).map { _ in TrainingSequence(tokens: (0..<T).map { _ in Int32(truncatingIfNeeded: rng.next() % UInt64(V)) }) }
        let data = PackedSequences(sequences: sequences, sequenceLength: T, identity: "bench")
        var rates: [Double] = []
        for run in 1...runs {
            let trainer = try Trainer(config: config, data: data, seed: 0)
            for _ in 0..<2 { _ = try trainer.step() }
            let watch = Stopwatch()
            for _ in 0..<steps { _ = try trainer.step() }
            rates.append(Double(B * T * steps) / watch.elapsed().seconds)
            log(String(format: "run %d: %.1f tok/s", run, rates.last ?? 0))
        }
        let median = Stopwatch.median(rates)
        let model = config.model
        let embedding = model.vocabSize * model.hiddenSize
        let flopsPerToken = 6.0 * Double(model.parameterCount - embedding) + 12.0 * Double(model.layerCount * T * model.qSize)
        let peak = MatmulPeak.measureGFLOPS()
        func tenth(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        var out = JSONWriter()
        out.object { o in
            o.member("config") { $0.string(preset) }
            o.member("batch") { $0.integer(B) }
            o.member("seq") { $0.integer(T) }
            o.member("params") { $0.integer(model.parameterCount) }
            o.member("runs") { $0.integer(runs) }
            o.member("tokens_per_s") { $0.double(tenth(median)) }
            o.member("runs_tokens_per_s") { $0.array(ofDoubles: rates.map(tenth)) }
            o.member("flops_per_token") { $0.double(flopsPerToken) }
            o.member("sgemm_peak_gflops") { $0.double(tenth(peak)) }
            o.member("mfu") { $0.double((median * flopsPerToken / (peak * 1e9) * 1000).rounded() / 1000) }
        }
        return out.text
    }
}
