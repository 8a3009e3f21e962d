import ArgumentParser
import Foundation
import JSONLines
import ProgressReporting
import Store
import Synthesis

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

    /// The synthesizer a run was created with.
    func synthesizer(for run: SynthRun) throws -> any Synthesizer {
        switch run.backend {
        case .miner:
            return ReadingComprehensionMiner()
        case .openai:
            return try OpenAICompletionsSynthesizer(baseURL: serverURLs(run.backendReference)[0], model: run.model ?? "default",
                                                    concurrency: concurrency, timeoutSeconds: timeout, maxRetries: retries)
        case .model:
            return try LocalModelSynthesizer(directory: run.backendReference, maxModelLength: run.maxModelLen, maxBatch: batchSize)
        }
    }

    /// Works the run showing its progress (texts done of the run's, pairs written) and prints a summary line.
    /// `loaded` is a synthesizer already made for this run (a model loaded before the run was created).
    func work(store: Store, runId: Int64, loaded: (any Synthesizer)? = nil) throws {
        let run = try store.read { db in try SynthesisRepository.run(runId, in: db) }
        if run.backend == .openai { return try workPipelined(store: store, run: run) }
        let worker = SynthesisWorker(store: store, run: runId, synthesizer: try loaded ?? synthesizer(for: run),
                                     batchSize: batchSize, leaseSeconds: leaseSeconds)
        let reporter = progress.reporter("synth")
        defer { reporter.finish() }
        let start = Date()
        let startPairs = try store.read { db in try SynthesisRepository.progress(run: runId, in: db).pairs }
        let summary = try worker.work { progress in
            let rate = Double(progress.pairs - startPairs) / max(Date().timeIntervalSince(start), 1e-6)
            reporter.report(StageProgress(phase: "", done: progress.requestsDone + progress.requestsFailed, total: progress.run.textsTotal,
                                          unit: .count("texts"), detail: String(format: "%d pairs, %.0f pairs/s", progress.pairs, rate)))
        }
        reporter.finish()
        let rate = Double(summary.pairsWritten) / max(summary.seconds, 1e-6)
        printError(String(format: "run %lld: this worker completed %d requests (%d failed attempts), wrote %d pairs in %.2f s (%.1f pairs/s)",
                          runId, summary.requestsCompleted, summary.requestsFailed, summary.pairsWritten, summary.seconds, rate))
        if let failure = try store.read({ db in try SynthesisRepository.failure(run: runId, in: db) }) { throw failure }
    }
}

extension SynthWorkerOptions {
    /// Works an OpenAI-compatible run over all its servers, each with its own window of
    /// --concurrency requests; its progress shows texts/s, completion tokens/s, requests in flight and resting servers.
    func workPipelined(store: Store, run: SynthRun) throws {
        let servers = try serverURLs(run.backendReference).map {
            try OpenAICompletionsSynthesizer(baseURL: $0, model: run.model ?? "default", concurrency: concurrency,
                                             timeoutSeconds: timeout, maxRetries: retries)
        }
        let worker = PipelinedSynthesisWorker(store: store, run: run.id, servers: servers, concurrencyPerServer: concurrency)
        worker.leaseSeconds = leaseSeconds
        worker.maxServerFailuresPerRequest = retries + 1
        let reporter = progress.reporter("synth")
        defer { reporter.finish() }
        let summary = try worker.work { p in
            var detail = String(format: "%.1f texts/s, %.0f tok/s, %d in flight, %d pairs", p.textsPerSecond, p.tokensPerSecond, p.inFlight, p.run.pairs)
            if !p.restingServers.isEmpty { detail += ", resting: " + p.restingServers.joined(separator: ", ") }
            reporter.report(StageProgress(phase: "", done: p.run.requestsDone + p.run.requestsFailed, total: p.run.run.textsTotal,
                                          unit: .count("texts"), detail: detail))
        }
        reporter.finish()
        printError(String(format: "run %lld: this worker completed %d requests (%d failed attempts), wrote %d pairs in %.2f s (%.1f requests/s, %.0f completion tokens/s)",
                          run.id, summary.requestsCompleted, summary.requestsFailed, summary.pairsWritten, summary.seconds,
                          Double(summary.requestsCompleted) / max(summary.seconds, 1e-6), Double(summary.completionTokens) / max(summary.seconds, 1e-6)))
        for (server, health) in zip(summary.servers, summary.health) {
            printError("  \(server): \(health.completed) completed, \(health.failures) server failures, rested \(health.rests) times")
        }
        if let failure = try store.read({ db in try SynthesisRepository.failure(run: run.id, in: db) }) { throw failure }
    }
}

/// The servers of an `openai:` backend reference: one base URL, or several separated by commas.
func serverURLs(_ reference: String) throws -> [String] {
    let urls = reference.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !urls.isEmpty else { throw SynthesisError.invalidURL(reference) }
    return urls
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
                               valueName: "backend"))
    var backend: String

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
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        _ = try parsedBackend()
    }

    func parsedBackend() throws -> (SynthBackendKind, String) {
        if backend == "miner" { return (.miner, "miner") }
        if backend.hasPrefix("openai:") {
            let urls = try serverURLs(String(backend.dropFirst("openai:".count)))
            for url in urls { _ = try OpenAICompletionsSynthesizer(baseURL: url, model: model ?? "default") }
            return (.openai, urls.joined(separator: ","))
        }
        if backend.hasPrefix("model:") {
            let directory = String(backend.dropFirst("model:".count))
            var isDirectory: ObjCBool = false
            guard !directory.isEmpty, FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--backend model:\(directory): no such directory; expected a checkpoint directory with config.json, model.safetensors and tokenizer.json")
            }
            // Absolute, so `ipt synth work` started elsewhere finds the same checkpoint.
            return (.model, URL(fileURLWithPath: directory).standardizedFileURL.path)
        }
        throw SynthesisError.invalidBackend(backend)
    }

    func run() throws {
        let (kind, reference) = try parsedBackend()
        var setup = SynthRunSetup(backend: kind, backendReference: reference, model: model, rounds: rounds,
                                  limits: ChainLimits(maxModelLength: maxModelLen, maxNewTokens: maxNewTokens))
        setup.temperature = temperature
        setup.topP = topP
        setup.seed = seed
        setup.source = source
        setup.textLimit = limit
        setup.maxAttempts = maxAttempts
        // A checkpoint that cannot be used stops here, before a run is created for it.
        let loaded: (any Synthesizer)? = kind == .model && !noWork
            ? try LocalModelSynthesizer(directory: reference, maxModelLength: maxModelLen, maxBatch: worker.batchSize)
            : nil
        let store = try Store.open(path: database.db)
        let runId = try store.write { db in try SynthesisRepository.createRun(setup, in: db) }
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
            if json { print(jsonLine(progress)) } else { print(text(progress)) }
        }
        if progresses.isEmpty && !json { print("no synthesis runs yet: start one with `ipt synth run --backend miner`") }
    }

    func jsonLine(_ p: SynthProgress) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.member("run") { $0.integer(p.run.id) }
            o.member("backend") { $0.string(p.run.backend.rawValue) }
            o.member("backend_reference") { $0.string(p.run.backendReference) }
            o.member("status") { $0.string(p.run.status) }
            o.member("rounds") { $0.integer(p.run.rounds) }
            o.member("rounds_created") { $0.integer(p.run.roundsCreated) }
            o.member("texts_total") { $0.integer(p.run.textsTotal) }
            o.member("requests_total") { $0.integer(p.requestsTotal) }
            o.member("requests_done") { $0.integer(p.requestsDone) }
            o.member("requests_failed") { $0.integer(p.requestsFailed) }
            o.member("requests_leased") { $0.integer(p.requestsLeased) }
            o.member("requests_pending") { $0.integer(p.requestsPending) }
            o.member("pairs") { $0.integer(p.pairs) }
            o.member("pairs_by_kind") { json in json.object { k in for (kind, count) in p.pairsByKind { k.member(kind) { $0.integer(count) } } } }
            o.member("prompt_tokens") { $0.integer(p.promptTokens) }
            o.member("completion_tokens") { $0.integer(p.completionTokens) }
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    func text(_ p: SynthProgress) -> String {
        let kinds = p.pairsByKind.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
        return """
            run \(p.run.id) [\(p.run.status)] \(p.run.backend.rawValue) \(p.run.backendReference)\(p.run.model.map { " model \($0)" } ?? "") \
            rounds \(p.run.roundsCreated)/\(p.run.rounds), seed \(p.run.seed), temperature \(p.run.temperature), top-p \(p.run.topP), \
            max-model-len \(p.run.maxModelLen), max-new-tokens \(p.run.maxNewTokens)
              texts \(p.run.textsTotal): done \(p.requestsDone), failed \(p.requestsFailed), leased \(p.requestsLeased), \
            pending \(p.requestsPending), not yet planned \(p.textsWaiting)
              pairs \(p.pairs)\(kinds.isEmpty ? "" : " (\(kinds))"); tokens \(p.promptTokens) prompt / \(p.completionTokens) completion
            """
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
            if line.isEmpty { continue }
            let value: JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                throw ParseInputError(message: "line \(lineNumber) of standard input: not JSON (\(error.message) at byte \(error.offset))")
            }
            guard let output = value["output"]?.stringValue else {
                throw ParseInputError(message: "line \(lineNumber) of standard input: expected a string in field \"output\", as in {\"output\": \"<QUE> ... </END>\"}")
            }
            var writer = JSONWriter()
            writer.object { o in
                o.member("pairs") { json in
                    json.array { array in
                        for pair in SynthesizerOutputParser.parse(output) {
                            array.element { $0.object { p in p.member("Q") { $0.string(pair.question) }; p.member("A") { $0.string(pair.answer) } } }
                        }
                    }
                }
            }
            print(String(decoding: writer.bytes, as: UTF8.self))
        }
    }
}

/// A bad line on `ipt synth parse`'s standard input.
struct ParseInputError: Error, LocalizedError {
    var message: String
    var errorDescription: String? { message }
}
