import ArgumentParser
import COpenBLAS
import Foundation
import JSONLines
import Model
import Randomness
import Training

struct TrainBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training tokens/s (forward + backward + clip + AdamW) and MFU; print JSON.",
        discussion: """
            Builds the shared benchmark model (tiny: batch 8 × 256; small: batch 4 × 512, as \
            ../shared/bench/torch_peer.py) with random weights and random tokens, then times the \
            real trainer step like the peer does: 2 warm-up steps, then --steps timed steps; the \
            median over --runs runs is reported. MFU divides the model FLOPs (6 × non-embedding \
            parameters + 12 × layers × seq × q-size per token, the PaLM convention) by the \
            measured peak of cblas_sgemm on this machine.
            """)

    @Option(help: "tiny or small.")
    var config: String = "tiny"

    @Option(help: "Timed steps per run.")
    var steps = 6

    @Option(help: "Runs (median reported).")
    var runs = 3

    @Option(help: "Cores to use (OpenBLAS and the model's own loops); default 2.")
    var threads: Int?

    func validate() throws {
        guard config == "tiny" || config == "small" else { throw ValidationError("--config is tiny or small") }
        guard steps > 0, runs > 0 else { throw ValidationError("--steps and --runs must be positive") }
    }

    func run() throws {
        if let threads { ComputeThreads.use(threads) }
        var trainConfig = try TrainConfig.named(config)
        trainConfig.steps = 1_000_000
        trainConfig.warmupSteps = 0
        let B = trainConfig.batchSize, T = trainConfig.sequenceLength, V = trainConfig.vocabSize
        var rng = SeededGenerator(seed: 0, stream: 0)
        let sequences = (0..<B).map { _ in TrainingSequence(tokens: (0..<T).map { _ in Int32(truncatingIfNeeded: rng.next() % UInt64(V)) }) }
        let data = PackedSequences(sequences: sequences, sequenceLength: T, identity: "bench")
        var rates: [Double] = []
        for run in 1...runs {
            let trainer = try Trainer(config: trainConfig, data: data, seed: 0)
            for _ in 0..<2 { _ = try trainer.step() }
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { _ = try trainer.step() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(Double(B * T * steps) / seconds)
            printError(String(format: "run %d: %.1f tok/s", run, rates.last ?? 0))
        }
        let median = rates.sorted()[rates.count / 2]
        let model = trainConfig.modelConfig
        let embedding = model.vocabSize * model.hiddenSize
        let flopsPerToken = 6.0 * Double(model.parameterCount - embedding) + 12.0 * Double(model.layerCount * T * model.qSize)
        let peak = measureSgemmPeak()
        var out = JSONWriter()
        out.object { o in
            o.member("config") { $0.string(config) }
            o.member("batch") { $0.integer(B) }
            o.member("seq") { $0.integer(T) }
            o.member("params") { $0.integer(model.parameterCount) }
            o.member("runs") { $0.integer(runs) }
            o.member("tokens_per_s") { $0.double((median * 10).rounded() / 10) }
            o.member("runs_tokens_per_s") { json in json.array { a in for r in rates { a.element { $0.double((r * 10).rounded() / 10) } } } }
            o.member("flops_per_token") { $0.double(flopsPerToken) }
            o.member("sgemm_peak_gflops") { $0.double((peak * 10).rounded() / 10) }
            o.member("mfu") { $0.double((median * flopsPerToken / (peak * 1e9) * 1000).rounded() / 1000) }
        }
        print(String(decoding: out.bytes, as: UTF8.self))
    }

    /// The best of a few square and model-shaped sgemm calls, in GFLOPS.
    func measureSgemmPeak() -> Double {
        var best = 0.0
        for (m, n, k) in [(1024, 1024, 1024), (2048, 512, 512), (2048, 1376, 512)] {
            let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
            var c = [Float](repeating: 0, count: m * n)
            for trial in 0..<4 {
                let start = DispatchTime.now().uptimeNanoseconds
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if trial > 0 { best = max(best, 2.0 * Double(m * n * k) / seconds / 1e9) }
            }
        }
        return best
    }
}
