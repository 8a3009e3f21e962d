import Synthesis
/// A pipelined run's live numbers: the run's state in the database, this worker's recent
/// texts/s and completion tokens/s, the time left at that rate, requests in flight, and the
/// servers resting.
///
///     worker.work { p in print(String(format: "%.1f texts/s, ETA %.0f s", p.textsPerSecond, p.etaSeconds ?? 0)) }
public struct PipelineProgress: Sendable {
    public var run: SynthProgress
    public var textsPerSecond: Double
    public var tokensPerSecond: Double
    public var etaSeconds: Double?
    public var inFlight: Int
    public var restingServers: [String]
    public var pairsThisWorker: Int
}

/// What one pipelined worker did, per server.
///
///     let summary = try worker.work()
///     for (server, health) in zip(summary.servers, summary.health) { print(server, health.completed, health.rests) }
public struct PipelineSummary: Sendable {
    public var servers: [String]
    public var health: [ServerHealth] = []
    public var requestsCompleted = 0
    public var requestsFailed = 0
    public var pairsWritten = 0
    public var completionTokens = 0
    public var seconds = 0.0

    public init(servers: [String]) { self.servers = servers }

    mutating func add(_ outcomes: [RequestOutcome], pairs: Int) {
        pairsWritten += pairs
        for outcome in outcomes {
            switch outcome.result {
            case let .success(completion):
                requestsCompleted += 1
                completionTokens += completion.completionTokens ?? 0
            case .failure:
                requestsFailed += 1
            }
        }
    }
}

/// Requests and tokens per second over the last `window` seconds (the whole run until then).
///
///     var meter = ThroughputMeter(started: now)
///     meter.add(requests: 16, tokens: 4000, now: now + 1)
///     meter.requestsPerSecond(now: now + 1)   // 16
public struct ThroughputMeter: Sendable {
    public var window = 10.0
    private var samples: [(time: Double, requests: Int, tokens: Int)]
    private var requests = 0
    private var tokens = 0

    public init(started: Double) { samples = [(started, 0, 0)] }

    public mutating func add(requests newRequests: Int, tokens newTokens: Int, now: Double) {
        requests += newRequests
        tokens += newTokens
        samples.append((now, requests, tokens))
        // Keep one sample older than the window as the rate's starting point.
        while samples.count > 2 && samples[1].time < now - window { samples.removeFirst() }
    }

    public func requestsPerSecond(now: Double) -> Double {
        guard let first = samples.first, now > first.time else { return 0 }
        return Double(requests - first.requests) / (now - first.time)
    }

    public func tokensPerSecond(now: Double) -> Double {
        guard let first = samples.first, now > first.time else { return 0 }
        return Double(tokens - first.tokens) / (now - first.time)
    }
}
