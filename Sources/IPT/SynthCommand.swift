import ArgumentParser
import Foundation
import JSONLines
import Store
import Synthesis
import SynthesisBackends

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Synthesize instruction-response pairs from raw texts.",
        discussion: """
            A run sends each raw text to an instruction synthesizer as `<s> <CON> {text} </CON>\\n\\n` \
            and parses the pairs it writes (`<QUE> q <ANS> a </END>`). With --rounds M the texts \
            are split into M rounds; in later rounds earlier entries of the same chain are prepended \
            while they fit in max-model-len - max-new-tokens (estimated as words × 1.5).

            Backends: miner (rule-based reading-comprehension tasks, no weights), \
            model:DIR (a Hugging Face-format checkpoint directory with config.json, model.safetensors \
            and tokenizer.json, run in this process, all requests of a batch generated together; \
            prompts longer than max-model-len - max-new-tokens tokens are cut from the left, keeping <s>), \
            openai:URL[,URL…] (OpenAI-compatible completions servers such as vLLM or llama.cpp's; \
            each server gets its own window of --concurrency requests in flight, refilled as each \
            one finishes; a server that keeps failing rests while the others take its work). \
            The work queue lives in the database; one coordinating `ipt` process per database \
            file, on the database's host (model servers may be anywhere). A killed worker's \
            requests are taken over when its lease expires.
            """,
        subcommands: [SynthRunCommand.self, SynthWorkCommand.self, SynthStatusCommand.self, SynthParseCommand.self])
}

/// Options every command that works a run shares.
struct SynthWorkerOptions: ParsableArguments {
    @Option(help: "Requests leased and completed together (model backend: the sequences generated at once).")
    var batchSize = 32

    @Option(help: ArgumentHelp("Seconds a lease lasts; a live worker renews it every third of that.", valueName: "seconds"))
    var leaseSeconds = 120.0

    @Option(help: "OpenAI-compatible backend: requests in flight at once on each server.")
    var concurrency = 4

    @Option(help: ArgumentHelp("OpenAI-compatible backend: seconds before a request times out.", valueName: "seconds"))
    var timeout = 600.0

    @Option(help: "OpenAI-compatible backend: retries of one request after connection errors, 429 or 5xx.")
    var retries = 6

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if !(leaseSeconds >= SynthesisWorker.leaseSecondsRange.lowerBound && leaseSeconds <= SynthesisWorker.leaseSecondsRange.upperBound) {
            throw ValidationError("--lease-seconds must be between 0.1 and 86400 (one day), found \(leaseSeconds)")
        }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    /// Works the run showing its progress and prints what this worker did.
    /// `loaded` is a synthesizer already made for this run (a model loaded before the run was created).
    func work(store: Store, runId: Int64, loaded: (any Synthesizer)? = nil) throws {
        let report = try progress.showing("synth") { onProgress in
            try settings.work(store: store, runId: runId, loaded: loaded, progress: onProgress)
        }
        report.lines.forEach(printError)
        if let failure = report.failure { throw failure }
    }

    var settings: SynthesisWork {
        var work = SynthesisWork(batchSize: batchSize)
        work.leaseSeconds = leaseSeconds
        work.concurrency = concurrency
        work.timeoutSeconds = timeout
        work.retries = retries
        return work
    }
}

struct SynthRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create a synthesis run over the raw texts and work it; prints the run id.",
        discussion: """
            Examples:
              ipt synth run --backend miner --rounds 2
              ipt synth run --backend model:checkpoints/synth --max-model-len 512 --max-new-tokens 128
              ipt synth run --backend openai:http://127.0.0.1:8000/v1 --model instruction-synthesizer \\
                  --rounds 2 --max-model-len 4096 --max-new-tokens 400
            With --no-work the run is only created: work it with `ipt synth work --run ID`.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("miner, model:DIR (a checkpoint directory with config.json, model.safetensors, tokenizer.json), or openai:URL[,URL…] (OpenAI-compatible servers' base URLs, e.g. http://127.0.0.1:8000/v1,http://10.0.0.2:8000/v1).",
                               valueName: "backend"),
            transform: SynthesisBackend.init(parsing:))
    var backend: SynthesisBackend

    @Option(help: "Model name sent to an OpenAI-compatible server.")
    var model: String?

    @Option(help: "M: rounds of multi-round (M-shot) synthesis.")
    var rounds = 1

    @Option(help: "Context length of the model the texts are for; bounds prompts with prepended entries.")
    var maxModelLen = 4096

    @Option(help: "Tokens the synthesizer may write per text.")
    var maxNewTokens = 400

    @Option(help: "Sampling temperature (the reference uses 0: greedy).")
    var temperature = 0.0

    @Option(help: "Temperature of the answers alone (from <ANS> to </END>), e.g. 0 to read answers greedily while --temperature samples the questions. Local models only.")
    var answerTemperature: Double?

    @Option(help: "Nucleus sampling: sample from the smallest set of tokens holding this probability mass (1: all). Sent to servers explicitly, since their defaults differ.")
    var topP = 1.0

    @Option(help: "Seed of every random choice (model or server sampling, the miner's task choices).")
    var seed: Int64 = 0

    @Option(help: "Synthesize at most this many texts (in id order).")
    var limit: Int?

    @Option(help: "Only texts of this source.")
    var source: String?

    @Option(help: "Give up on a request after this many attempts.")
    var maxAttempts = 5

    @Flag(help: "Only create the run; do not work it.")
    var noWork = false

    @OptionGroup var worker: SynthWorkerOptions

    func validate() throws {
        if rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if maxNewTokens < 1 || maxNewTokens >= maxModelLen {
            throw ValidationError("--max-new-tokens must be at least 1 and less than --max-model-len (\(maxModelLen))")
        }
        if temperature < 0 { throw ValidationError("--temperature must not be negative") }
        if let answerTemperature, answerTemperature < 0 { throw ValidationError("--answer-temperature must not be negative") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
    }

    func run() throws {
        let (kind, reference) = (backend.kind, backend.reference)
        var setup = SynthRunSetup(backend: kind, backendReference: reference, model: model, rounds: rounds,
                                  limits: ChainLimits(maxModelLength: maxModelLen, maxNewTokens: maxNewTokens))
        setup.temperature = temperature
        setup.topP = topP
        setup.answerTemperature = answerTemperature
        setup.seed = seed
        setup.source = source
        setup.textLimit = limit
        setup.maxAttempts = maxAttempts
        // A checkpoint that cannot be used stops here, before a run is created for it.
        let loaded: (any Synthesizer)? = kind == .model && !noWork
            ? try LocalModelSynthesizer(directory: reference, maxModelLength: maxModelLen, maxBatch: worker.batchSize)
            : nil
        let store = try Store.open(path: database.db)
        let runId = try setup.createRun(store: store)
        print(runId)
        if !noWork { try worker.work(store: store, runId: runId, loaded: loaded) }
    }
}

struct SynthWorkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Work an existing run until it is done (any number of these may share a run).")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "The run's id (from `ipt synth run` or `ipt synth status`).")
    var runId: Int64

    @OptionGroup var worker: SynthWorkerOptions

    func run() throws {
        let store = try Store.open(path: database.db)
        try worker.work(store: store, runId: runId)
    }
}

struct SynthStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show runs: progress, failures, pairs per kind.",
        discussion: "--json prints one object per run with requests_total, requests_done, requests_failed, pairs and more.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "Only this run.")
    var runId: Int64?

    @Flag(help: "Print JSON (one object per line).")
    var json = false

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let progresses = try store.read { db in
            try (runId.map { [$0] } ?? SynthesisRepository.runIds(in: db)).map { try SynthesisRepository.progress(run: $0, in: db) }
        }
        for progress in progresses {
            print(json ? progress.jsonLine : progress.summary)
        }
        if progresses.isEmpty && !json { print("no synthesis runs yet: start one with `ipt synth run --backend miner`") }
    }
}

struct SynthParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "The bare parser: stdin JSONL {\"output\": ...} → stdout JSONL {\"pairs\": [{\"Q\": ..., \"A\": ...}]}.",
        discussion: "Applies exactly the rules runs use (split on </END>, one <ANS>, <QUE> first, non-empty answer, case-insensitive de-duplication).")

    func run() throws {
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            if let pairs = try SynthesizerOutputParser.pairsLine(line, lineNumber: lineNumber) { print(pairs) }
        }
    }
}
