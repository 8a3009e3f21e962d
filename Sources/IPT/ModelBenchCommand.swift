import ArgumentParser
import Foundation
import JSONLines
import Model
import Randomness

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
        let decoder = try DecoderModel.load(directory: model)
        let V = decoder.config.vocabSize
        var rng = SeededGenerator(seed: 0, stream: 0)
        // Like llamacpp_peer.py: token 0 then random ids from 3..<V.
        let prompts: [[Int32]] = (0..<batch).map { _ in [0] + (1..<promptTokens).map { _ in Int32(3 + Int(rng.next() % UInt64(V - 3))) } }
        let session = try InferenceSession(model: decoder, slotCount: batch, capacity: promptTokens + newTokens,
                                       maxTokensPerStep: max(batch, min(batch * promptTokens, 512)))
        let sampler = Sampler()
        var promptRates: [Double] = [], decodeRates: [Double] = []
        // Per CPU-second of this process: on a machine shared with other work, a 1-thread run's
        // CPU-time rate approximates its speed on an idle core.
        var promptCPURates: [Double] = [], decodeCPURates: [Double] = []
        for run in 0...runs {
            // Prefill: all prompt tokens packed into steps of up to maxTokensPerStep.
            var tokens: [Int32] = [], slots: [Int] = [], positions: [Int] = []
            for (slot, prompt) in prompts.enumerated() {
                tokens += prompt
                slots += Array(repeating: slot, count: prompt.count)
                positions += Array(0..<prompt.count)
            }
            var next = [Int32](repeating: 0, count: batch)
            let prefillStart = DispatchTime.now().uptimeNanoseconds
            let prefillCPUStart = processCPUSeconds()
            var start = 0
            while start < tokens.count {
                let end = min(start + session.maxTokensPerStep, tokens.count)
                let lastRows = (start..<end).filter { positions[$0] == promptTokens - 1 }
                let logits = try session.step(tokens: Array(tokens[start..<end]), slots: Array(slots[start..<end]),
                                              positions: Array(positions[start..<end]), logitRows: lastRows.map { $0 - start })
                var unused = SeededGenerator(seed: 0)
                for (r, row) in lastRows.enumerated() {
                    next[slots[row]] = sampler.pick(from: UnsafeBufferPointer(rebasing: logits[(r * V)..<((r + 1) * V)]), using: &unused)
                }
                start = end
            }
            let prefillSeconds = Double(DispatchTime.now().uptimeNanoseconds - prefillStart) / 1e9
            let prefillCPUSeconds = processCPUSeconds() - prefillCPUStart
            let decodeStart = DispatchTime.now().uptimeNanoseconds
            let decodeCPUStart = processCPUSeconds()
            let allSlots = Array(0..<batch)
            for step in 0..<newTokens {
                let logits = try session.step(tokens: next, slots: allSlots, positions: Array(repeating: promptTokens + step, count: batch),
                                              logitRows: allSlots)
                var unused = SeededGenerator(seed: 0)
                for slot in allSlots {
                    next[slot] = sampler.pick(from: UnsafeBufferPointer(rebasing: logits[(slot * V)..<((slot + 1) * V)]), using: &unused)
                }
            }
            let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - decodeStart) / 1e9
            let decodeCPUSeconds = processCPUSeconds() - decodeCPUStart
            if run == 0 { continue }  // warm-up
            promptRates.append(Double(tokens.count) / prefillSeconds)
            decodeRates.append(Double(batch * newTokens) / decodeSeconds)
            promptCPURates.append(Double(tokens.count) / prefillCPUSeconds)
            decodeCPURates.append(Double(batch * newTokens) / decodeCPUSeconds)
            printError(String(format: "run %d: prompt %.1f tok/s, decode %.1f tok/s", run, promptRates.last ?? 0, decodeRates.last ?? 0))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        var out = JSONWriter()
        out.object { o in
            o.member("model") { $0.string(model) }
            o.member("batch") { $0.integer(batch) }
            o.member("prompt_tokens") { $0.integer(promptTokens) }
            o.member("new_tokens") { $0.integer(newTokens) }
            o.member("runs") { $0.integer(runs) }
            o.member("prompt_tokens_per_s") { $0.double(rounded(median(promptRates))) }
            o.member("decode_tokens_per_s") { $0.double(rounded(median(decodeRates))) }
            o.member("threads") { $0.integer(ComputeThreads.count) }
            o.member("prompt_tokens_per_cpu_s") { $0.double(rounded(median(promptCPURates))) }
            o.member("decode_tokens_per_cpu_s") { $0.double(rounded(median(decodeCPURates))) }
        }
        print(String(decoding: out.bytes, as: UTF8.self))
    }
}

/// CPU time consumed by this process so far (all threads), in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
