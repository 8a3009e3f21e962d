import Foundation
import ProgressReporting
import Store
import Synthesis

/// A `--backend` argument taken apart: `miner`, `model:DIR` (a checkpoint directory, made
/// absolute so workers started elsewhere find it) or `openai:URL[,URL…]` (servers' base URLs).
///
///     let backend = try SynthesisBackend(parsing: "openai:http://gpu1:8000/v1,http://gpu2:8000/v1")
///     print(backend.kind, backend.reference)   // openai http://gpu1:8000/v1,http://gpu2:8000/v1
public struct SynthesisBackend: Sendable, Equatable {
    public var kind: SynthBackendKind
    /// What `synth_runs.backend_reference` records: "miner", the directory, or the URLs.
    public var reference: String

    public init(parsing backend: String) throws {
        if backend == "miner" {
            (kind, reference) = (.miner, "miner")
        } else if backend.hasPrefix("openai:") {
            let urls = try Self.serverURLs(String(backend.dropFirst("openai:".count)))
            for url in urls { _ = try OpenAICompletionsSynthesizer(baseURL: url, model: "default") }
            (kind, reference) = (.openai, urls.joined(separator: ","))
        } else if backend.hasPrefix("model:") {
            let directory = String(backend.dropFirst("model:".count))
            var isDirectory: ObjCBool = false
            guard !directory.isEmpty, FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SynthesisError.unusableModel(directory: directory, reason: "no such directory; expected a checkpoint directory with config.json, model.safetensors and tokenizer.json")
            }
            (kind, reference) = (.model, URL(fileURLWithPath: directory).standardizedFileURL.path)
        } else {
            throw SynthesisError.invalidBackend(backend)
        }
    }

    /// The servers of an `openai:` backend reference: one base URL, or several separated by commas.
    public static func serverURLs(_ reference: String) throws -> [String] {
        let urls = reference.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !urls.isEmpty else { throw SynthesisError.invalidURL(reference) }
        return urls
    }
}

/// How one worker process works a run, whatever its backend: the miner and a local model
/// through `SynthesisWorker` a batch at a time, OpenAI-compatible servers through
/// `PipelinedSynthesisWorker` with a window of requests in flight per server.
///
///     let report = try SynthesisWork(batchSize: 32).work(store: store, runId: 1) { progress in print(progress.done) }
///     report.lines.forEach { print($0) }
///     if let failure = report.failure { throw failure }
public struct SynthesisWork: Sendable {
    /// Requests leased and completed together (model backend: the sequences generated at once).
    public var batchSize = 32
    public var leaseSeconds = 120.0
    /// OpenAI-compatible backend: requests in flight on each server, seconds before one times
    /// out, and retries of one request after connection errors, 429 or 5xx.
    public var concurrency = 4
    public var timeoutSeconds = 600.0
    public var retries = 6

    public init(batchSize: Int = 32) {
        self.batchSize = batchSize
    }

    /// What a worker did, as lines for the user, and the run's failure if every request failed.
    public struct Report: Sendable {
        public var lines: [String]
        public var failure: SynthesisError?
    }

    /// The synthesizer a run was created with (the model backend loads its checkpoint).
    public func synthesizer(for run: SynthRun) throws -> any Synthesizer {
        switch run.backend {
        case .miner:
            return ReadingComprehensionMiner()
        case .openai:
            return try OpenAICompletionsSynthesizer(baseURL: SynthesisBackend.serverURLs(run.backendReference)[0], model: run.model ?? "default",
                                                    concurrency: concurrency, timeoutSeconds: timeoutSeconds, maxRetries: retries)
        case .model:
            return try LocalModelSynthesizer(directory: run.backendReference, maxModelLength: run.maxModelLen, maxBatch: batchSize)
        }
    }

    /// Works the run until it is done, reporting texts done of the run's; `loaded` is a
    /// synthesizer already made for this run (a model loaded before the run was created).
    public func work(store: Store, runId: Int64, loaded: (any Synthesizer)? = nil, progress: @escaping ProgressHandler = { _ in }) throws -> Report {
        let run = try store.read { db in try SynthesisRepository.run(runId, in: db) }
        if run.backend == .openai { return try workPipelined(store: store, run: run, progress: progress) }
        let worker = SynthesisWorker(store: store, run: runId, synthesizer: try loaded ?? synthesizer(for: run),
                                     batchSize: batchSize, leaseSeconds: leaseSeconds)
        let start = Date()
        let startPairs = try store.read { db in try SynthesisRepository.progress(run: runId, in: db).pairs }
        let summary = try worker.work { p in
            let rate = Double(p.pairs - startPairs) / max(Date().timeIntervalSince(start), 1e-6)
            progress(StageProgress(phase: "", done: p.requestsDone + p.requestsFailed, total: p.run.textsTotal,
                                   unit: .count("texts"), detail: String(format: "%d pairs, %.0f pairs/s", p.pairs, rate)))
        }
        let line = String(format: "run %lld: this worker completed %d requests (%d failed attempts), wrote %d pairs in %.2f s (%.1f pairs/s)",
                          runId, summary.requestsCompleted, summary.requestsFailed, summary.pairsWritten, summary.seconds,
                          Double(summary.pairsWritten) / max(summary.seconds, 1e-6))
        return Report(lines: [line], failure: try store.read { db in try SynthesisRepository.failure(run: runId, in: db) })
    }

    /// An OpenAI-compatible run over all its servers; progress shows texts/s, completion
    /// tokens/s, requests in flight and resting servers.
    func workPipelined(store: Store, run: SynthRun, progress: @escaping ProgressHandler) throws -> Report {
        let servers = try SynthesisBackend.serverURLs(run.backendReference).map {
            try OpenAICompletionsSynthesizer(baseURL: $0, model: run.model ?? "default", concurrency: concurrency,
                                             timeoutSeconds: timeoutSeconds, maxRetries: retries)
        }
        let worker = PipelinedSynthesisWorker(store: store, run: run.id, servers: servers, concurrencyPerServer: concurrency)
        worker.leaseSeconds = leaseSeconds
        worker.maxServerFailuresPerRequest = retries + 1
        let summary = try worker.work { p in
            var detail = String(format: "%.1f texts/s, %.0f tok/s, %d in flight, %d pairs", p.textsPerSecond, p.tokensPerSecond, p.inFlight, p.run.pairs)
            if !p.restingServers.isEmpty { detail += ", resting: " + p.restingServers.joined(separator: ", ") }
            progress(StageProgress(phase: "", done: p.run.requestsDone + p.run.requestsFailed, total: p.run.run.textsTotal,
                                   unit: .count("texts"), detail: detail))
        }
        var lines = [String(format: "run %lld: this worker completed %d requests (%d failed attempts), wrote %d pairs in %.2f s (%.1f requests/s, %.0f completion tokens/s)",
                            run.id, summary.requestsCompleted, summary.requestsFailed, summary.pairsWritten, summary.seconds,
                            Double(summary.requestsCompleted) / max(summary.seconds, 1e-6), Double(summary.completionTokens) / max(summary.seconds, 1e-6))]
        for (server, health) in zip(summary.servers, summary.health) {
            lines.append("  \(server): \(health.completed) completed, \(health.failures) server failures, rested \(health.rests) times")
        }
        return Report(lines: lines, failure: try store.read { db in try SynthesisRepository.failure(run: run.id, in: db) })
    }
}
