import ArgumentParser
import Foundation
import Model

struct ModelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt evaluation and batched decode speed; print tokens/s as JSON.",
        discussion: """
            Each run prefills --batch random prompts of --prompt-tokens tokens (KV cache), then \
            decodes --new-tokens greedy tokens for all of them together. Tokens/s count the tokens \
            of every sequence; the median over --runs runs is reported (one warm-up run first), \
            per wall-clock second and per CPU-second of the process. \
            Compare with ../shared/bench/llamacpp_peer.py on the same model.
            """)

    @Option(help: ArgumentHelp("Model directory (config.json + safetensors).", valueName: "dir"))
    var model: String

    @Option(help: "Sequences decoded together.")
    var batch = 1

    @Option(help: "Prompt length of each sequence.")
    var promptTokens = 128

    @Option(help: "Tokens generated per sequence.")
    var newTokens = 64

    @Option(help: "Timed runs (median reported).")
    var runs = 5

    @Option(help: "Cores to use (OpenBLAS and the model's own loops); default 2.")
    var threads: Int?

    func validate() throws {
        guard batch > 0, promptTokens > 0, newTokens > 0, runs > 0 else {
            throw ValidationError("--batch, --prompt-tokens, --new-tokens and --runs must be positive")
        }
    }

    func run() throws {
        if let threads { ComputeThreads.use(threads) }
        let bench = InferenceBenchmark(batch: batch, promptTokens: promptTokens, newTokens: newTokens, runs: runs)
        let result = try bench.run(model: try DecoderModel.load(directory: model), log: printError)
        print(bench.json(result, model: model))
    }
}
