import ArgumentParser
import Foundation
import Model
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
        print(try TrainingBenchmark(preset: config, steps: steps, runs: runs).run(log: printError))
    }
}
