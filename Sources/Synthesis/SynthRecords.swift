import Foundation
import GRDB
import Store

/// Which kind of synthesizer a run uses.
public enum SynthBackendKind: String, Sendable, Codable, DatabaseValueConvertible {
    case miner, model, openai
}

/// How a run is set up; everything here is recorded in `synth_runs`.
///
///     var setup = SynthRunSetup(backend: .miner, backendReference: "miner", rounds: 2,
///                               limits: ChainLimits(maxModelLength: 4096, maxNewTokens: 400))
///     setup.textLimit = 1000
///     let runId = try setup.createRun(store: store)
public struct SynthRunSetup: Sendable, Equatable {
    public var backend: SynthBackendKind
    public var backendReference: String
    public var model: String?
    public var rounds: Int
    public var limits: ChainLimits
    public var temperature: Double = 0
    /// Nucleus sampling: the smallest set of tokens whose probabilities reach this mass (1: all).
    public var topP: Double = 1
    /// The answers' own temperature (local models only); nil: `temperature`.
    public var answerTemperature: Double?
    public var seed: Int64 = 0
    public var source: String?
    public var textLimit: Int?
    public var maxAttempts: Int = 5

    public init(backend: SynthBackendKind, backendReference: String, model: String? = nil, rounds: Int, limits: ChainLimits) {
        self.backend = backend
        self.backendReference = backendReference
        self.model = model
        self.rounds = rounds
        self.limits = limits
    }

    /// Stores a run with this setup and its frozen list of raw texts, in one transaction; returns its id.
    public func createRun(store: Store) throws -> Int64 {
        try store.write { db in try SynthesisRepository.createRun(self, in: db) }
    }
}

/// A synthesis run as stored (`synth_runs`).
///
///     let run = try SynthRun.fetchOne(db, key: runId)
///     run?.parameters.maxNewTokens
public struct SynthRun: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "synth_runs"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64
    public var backend: SynthBackendKind
    public var backendReference: String
    public var model: String?
    public var rounds: Int
    public var maxModelLen: Int
    public var maxNewTokens: Int
    public var temperature: Double
    public var seed: Int64
    public var sourceFilter: String?
    public var textLimit: Int?
    public var textsTotal: Int
    public var roundSize: Int
    public var roundsCreated: Int
    public var maxAttempts: Int
    public var status: String
    public var createdAt: String
    public var finishedAt: String?
    public var topP: Double
    public var answerTemperature: Double?

    public var limits: ChainLimits { ChainLimits(maxModelLength: maxModelLen, maxNewTokens: maxNewTokens) }
    public var parameters: SamplingParameters { SamplingParameters(maxNewTokens: maxNewTokens, temperature: temperature, topP: topP, seed: seed,
                                                                      answerTemperature: answerTemperature) }
    public var split: RoundSplit { RoundSplit(textCount: textsTotal, rounds: rounds) }
}

/// A request a worker holds a lease on.
///
///     let batch = try SynthesisRepository.claim(run: 1, owner: "host:42", batchSize: 16, leaseSeconds: 60, now: now, in: db)
public struct LeasedRequest: Sendable, Equatable {
    public var id: Int64
    public var rawTextId: Int64
    public var prompt: String
}

/// What became of one leased request, written back by `SynthesisRepository.record`.
public struct RequestOutcome: Sendable {
    public var requestId: Int64
    public var result: Result<Completion, CompletionFailure>
    public var latencySeconds: Double

    public init(requestId: Int64, result: Result<Completion, CompletionFailure>, latencySeconds: Double) {
        self.requestId = requestId
        self.result = result
        self.latencySeconds = latencySeconds
    }
}

/// Where a run stands, for `ipt synth status`.
///
///     let progress = try SynthesisRepository.progress(run: 1, in: db)
///     progress.requestsDone, progress.pairsByKind["options"]
public struct SynthProgress: Sendable {
    public var run: SynthRun
    public var requestsTotal: Int
    public var requestsDone: Int
    public var requestsFailed: Int
    public var requestsLeased: Int
    public var requestsPending: Int
    /// Texts whose request is not created yet (later rounds).
    public var textsWaiting: Int
    public var pairs: Int
    public var pairsByKind: [(kind: String, count: Int)]
    public var promptTokens: Int
    public var completionTokens: Int
    public var meanLatencySeconds: Double?
}

/// Why a synthesis command cannot go on, with what to do next.
public enum SynthesisError: Error, Sendable, Equatable {
    case unknownRun(Int64)
    case unknownSource(String)
    case noTexts(source: String?)
    case invalidBackend(String)
    case invalidURL(String)
    /// A `model:DIR` checkpoint the local-model backend cannot use.
    case unusableModel(directory: String, reason: String)
    /// Every request of the run failed; `lastError` is the most common reason.
    case runFailed(Int64, requests: Int, lastError: String?)
    /// A worker built with settings out of range (the CLI checks its flags before this).
    case invalidWorkerSettings(String)
    /// An OpenAI-compatible server samples a whole completion at one temperature.
    case answerTemperatureUnsupported(SynthBackendKind)
    /// A line of `ipt synth parse`'s standard input that is not `{"output": "…"}`.
    case invalidParseInput(line: Int, message: String)
}

extension SynthesisError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .unknownRun(id):
            return "no synthesis run \(id): list runs with `ipt synth status`"
        case let .unknownSource(name):
            return "no source named \(name): see `ipt stats` for the sources in this database"
        case let .noTexts(source):
            return "no raw texts to synthesize\(source.map { " in source \($0)" } ?? ""): ingest some with `ipt ingest`"
        case let .invalidBackend(text):
            return "--backend \(text): expected miner, model:DIR or openai:URL (e.g. openai:http://127.0.0.1:8000/v1)"
        case let .invalidURL(text):
            return "\(text) is not an http:// URL of an OpenAI-compatible server (e.g. http://127.0.0.1:8000/v1)"
        case let .unusableModel(directory, reason):
            return "--backend model:\(directory): \(reason)"
        case let .runFailed(id, requests, lastError):
            return "synthesis run \(id) failed: all \(requests) requests failed\(lastError.map { " (most often: \($0))" } ?? ""); check the backend, then start a new run"
        case let .answerTemperatureUnsupported(backend):
            return "--answer-temperature: the \(backend.rawValue) backend samples a whole completion at one temperature; use a local model (model:DIR) or drop the flag"
        case let .invalidWorkerSettings(message):
            return "synthesis worker: \(message); pass values in range"
        case let .invalidParseInput(line, message):
            return "line \(line) of standard input: \(message)"
        }
    }
}
