import Synthesis
import Foundation
import GRDB
import Store

/// Works a run across several model servers, each kept busy by its own window of
/// `concurrencyPerServer` requests in flight: a slot that finishes takes the next request at
/// once (nothing waits for a batch's slowest completion). The calling thread coordinates —
/// it leases requests from the queue ahead of need, renews the leases of everything it holds,
/// commits results in small groups (`commitGroup` outcomes or `commitSeconds`, whichever comes
/// first), and moves rounds forward. A request a server fails at (connection error, timeout,
/// 429, 5xx) goes back to the front of the local queue for any server to take; a server that
/// fails `restAfterFailures` times in a row rests (1 s, doubling to 30 s) while the others take
/// its share. Leases keep the queue exactly-once across crashes, as with `SynthesisWorker`:
/// a killed coordinator's requests return to the queue when their leases expire.
///
///     let servers = try urls.map { try OpenAICompletionsSynthesizer(baseURL: $0, model: "synth") }
///     let worker = PipelinedSynthesisWorker(store: store, run: runId, servers: servers, concurrencyPerServer: 16)
///     let summary = try worker.work { p in print(p.textsPerSecond, p.tokensPerSecond, p.etaSeconds ?? 0) }
public final class PipelinedSynthesisWorker: @unchecked Sendable {
    public let store: Store
    public let runId: Int64
    public let servers: [any CompletionServer]
    public let concurrencyPerServer: Int
    public let owner: String
    public var leaseSeconds: Double = 120
    /// Outcomes committed together (at most this many wait for a commit) …
    public var commitGroup = 16
    /// … or at most this long.
    public var commitSeconds = 0.2
    /// A request is recorded as failed (and retried later through the queue) after this many
    /// server-at-fault failures on any servers.
    public var maxServerFailuresPerRequest = 6
    /// How rests are decided (copied per server).
    public var health = ServerHealth()
    /// How long to wait before looking again when other workers hold the rest of a round.
    public var pollSeconds = 0.5
    /// Least time between two progress reports.
    public var progressInterval = 0.25

    public init(store: Store, run runId: Int64, servers: [any CompletionServer], concurrencyPerServer: Int, owner: String? = nil) {
        self.store = store
        self.runId = runId
        self.servers = servers
        self.concurrencyPerServer = max(1, concurrencyPerServer)
        self.owner = owner ?? "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    /// A leased request waiting in this process, with the server failures it met so far.
    struct Queued {
        var request: LeasedRequest
        var serverFailures: [String] = []
    }

    /// State shared by the coordinator and the slots, guarded by `condition`.
    final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        var queue: [Queued] = []
        var inFlight: [Int64: Queued] = [:]
        var outcomes: [RequestOutcome] = []
        var firstUncommitted: Double?
        var health: [ServerHealth]
        var stopping = false
        var completionTokens = 0
        var completedRequests = 0

        init(health: [ServerHealth]) { self.health = health }
    }

    /// Works the run until it is done; returns what this worker did.
    @discardableResult
    public func work(progress: ((PipelineProgress) -> Void)? = nil) throws -> PipelineSummary {
        guard !servers.isEmpty, SynthesisWorker.leaseSecondsRange.contains(leaseSeconds), commitGroup >= 1 else {
            throw SynthesisError.invalidWorkerSettings("\(servers.count) servers (at least 1), lease seconds \(leaseSeconds) (0.1...86400), commit group \(commitGroup) (at least 1)")
        }
        let parameters = try store.read { db in try SynthesisRepository.run(runId, in: db).parameters }
        let shared = Shared(health: Array(repeating: health, count: servers.count))
        let started = Date()
        var slots: [Thread] = []
        let slotsDone = DispatchGroup()
        for (index, server) in servers.enumerated() {
            for _ in 0..<concurrencyPerServer {
                slotsDone.enter()
                let thread = Thread { [self] in
                    slot(server: server, index: index, shared: shared, parameters: parameters)
                    slotsDone.leave()
                }
                thread.stackSize = 1 << 20
                slots.append(thread)
                thread.start()
            }
        }
        defer {
            shared.condition.lock()
            shared.stopping = true
            shared.condition.broadcast()
            shared.condition.unlock()
            slotsDone.wait()
        }
        var summary = PipelineSummary(servers: servers.map(\.reference))
        var meter = ThroughputMeter(started: started.timeIntervalSince1970)
        let startProgress = try store.read { db in try SynthesisRepository.progress(run: runId, in: db) }
        var lastReport = 0.0
        var lastRenewal = Date().timeIntervalSince1970
        var runDone = false
        let window = servers.count * concurrencyPerServer
        while true {
            let now = Date().timeIntervalSince1970
            // Take what finished, if it is time to commit.
            shared.condition.lock()
            var held = shared.queue.count + shared.inFlight.count
            let commitDue = !shared.outcomes.isEmpty && (shared.outcomes.count >= commitGroup || held == 0
                || now - (shared.firstUncommitted ?? now) >= commitSeconds)
            let toCommit = commitDue ? shared.outcomes : []
            if commitDue {
                shared.outcomes.removeAll()
                shared.firstUncommitted = nil
            }
            shared.condition.unlock()
            if !toCommit.isEmpty {
                let written = try store.writeImmediately { db in try SynthesisRepository.record(toCommit, owner: self.owner, in: db) }
                summary.add(toCommit, pairs: written)
                meter.add(requests: toCommit.filter { if case .success = $0.result { true } else { false } }.count,
                          tokens: toCommit.reduce(0) { total, outcome in
                              if case let .success(c) = outcome.result { return total + (c.completionTokens ?? 0) }
                              return total
                          }, now: Date().timeIntervalSince1970)
            }
            // Keep a second window's worth queued so no slot waits for the database.
            shared.condition.lock()
            held = shared.queue.count + shared.inFlight.count
            let pendingOutcomes = shared.outcomes.count
            shared.condition.unlock()
            if !runDone && held < 2 * window {
                let claimed: [LeasedRequest]? = try store.writeImmediately { db in
                    if try SynthesisRepository.advance(run: self.runId, in: db) == .done { return nil }
                    return try SynthesisRepository.claim(run: self.runId, owner: self.owner, batchSize: 2 * window - held,
                                                         leaseSeconds: self.leaseSeconds, now: Date().timeIntervalSince1970, in: db)
                }
                if let claimed {
                    if !claimed.isEmpty {
                        shared.condition.lock()
                        shared.queue += claimed.map { Queued(request: $0) }
                        shared.condition.broadcast()
                        shared.condition.unlock()
                        held += claimed.count
                    } else if held == 0 && pendingOutcomes == 0 {
                        // Other workers hold the rest of this round; the next round needs their results.
                        Thread.sleep(forTimeInterval: pollSeconds)
                        continue
                    }
                } else {
                    runDone = true
                }
            }
            if runDone && held == 0 && pendingOutcomes == 0 { break }
            if Date().timeIntervalSince1970 - lastRenewal >= max(leaseSeconds / 3, 0.05) {
                shared.condition.lock()
                let ids = shared.queue.map(\.request.id) + Array(shared.inFlight.keys)
                shared.condition.unlock()
                try store.write { db in
                    _ = try SynthesisRepository.renew(ids, owner: self.owner, until: Date().timeIntervalSince1970 + self.leaseSeconds, in: db)
                }
                lastRenewal = Date().timeIntervalSince1970
            }
            if let progress, Date().timeIntervalSince1970 - lastReport >= progressInterval {
                lastReport = Date().timeIntervalSince1970
                progress(try report(meter: meter, start: startProgress, shared: shared))
            }
            // Sleep until a slot reports, a commit or renewal falls due, or a short tick passes.
            shared.condition.lock()
            if shared.outcomes.count < commitGroup && !(runDone && shared.queue.isEmpty && shared.inFlight.isEmpty) {
                _ = shared.condition.wait(until: Date().addingTimeInterval(min(commitSeconds, 0.05)))
            }
            shared.condition.unlock()
        }
        if let progress { progress(try report(meter: meter, start: startProgress, shared: shared)) }
        shared.condition.lock()
        summary.health = shared.health
        shared.condition.unlock()
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// One slot of a server's window: take the next queued request, send it, hand back the outcome.
    func slot(server: any CompletionServer, index: Int, shared: Shared, parameters: SamplingParameters) {
        shared.condition.lock()
        while true {
            if shared.stopping { break }
            let now = Date().timeIntervalSince1970
            if shared.health[index].isResting(now: now) {
                _ = shared.condition.wait(until: Date(timeIntervalSince1970: shared.health[index].restingUntil))
                continue
            }
            guard !shared.queue.isEmpty else {
                shared.condition.wait()
                continue
            }
            var item = shared.queue.removeFirst()
            shared.inFlight[item.request.id] = item
            shared.condition.unlock()
            let sent = Date()
            let result = server.completeOnce(item.request.prompt, parameters: parameters)
            let latency = Date().timeIntervalSince(sent)
            shared.condition.lock()
            shared.inFlight[item.request.id] = nil
            var outcome: RequestOutcome?
            switch result {
            case let .success(completion):
                shared.health[index].recordSuccess()
                var completion = completion
                if !item.serverFailures.isEmpty {
                    completion.recoveredFrom = "recovered on \(server.reference) after: " + item.serverFailures.joined(separator: "; ")
                }
                outcome = RequestOutcome(requestId: item.request.id, result: .success(completion), latencySeconds: latency)
            case let .failure(failure) where failure.serverAtFault:
                shared.health[index].recordFailure(now: Date().timeIntervalSince1970)
                item.serverFailures.append(failure.message)
                if item.serverFailures.count >= maxServerFailuresPerRequest {
                    let message = "\(item.serverFailures.count) server failures: " + item.serverFailures.suffix(3).joined(separator: "; ")
                    outcome = RequestOutcome(requestId: item.request.id, result: .failure(CompletionFailure(message: message)), latencySeconds: latency)
                } else {
                    // Back to the front: the oldest work goes first to whichever server is free.
                    shared.queue.insert(item, at: 0)
                }
            case let .failure(failure):
                outcome = RequestOutcome(requestId: item.request.id, result: .failure(CompletionFailure(message: failure.message)), latencySeconds: latency)
            }
            if let outcome {
                if shared.outcomes.isEmpty { shared.firstUncommitted = Date().timeIntervalSince1970 }
                shared.outcomes.append(outcome)
            }
            shared.condition.broadcast()
        }
        shared.condition.unlock()
    }

    private func report(meter: ThroughputMeter, start: SynthProgress, shared: Shared) throws -> PipelineProgress {
        let run = try store.read { db in try SynthesisRepository.progress(run: runId, in: db) }
        shared.condition.lock()
        let resting = shared.health.enumerated().filter { $0.element.isResting(now: Date().timeIntervalSince1970) }.map { servers[$0.offset].reference }
        let inFlight = shared.inFlight.count
        shared.condition.unlock()
        let now = Date().timeIntervalSince1970
        let finished = run.requestsDone + run.requestsFailed
        let remaining = max(0, run.run.textsTotal - finished)
        let rate = meter.requestsPerSecond(now: now)
        return PipelineProgress(run: run, textsPerSecond: rate, tokensPerSecond: meter.tokensPerSecond(now: now),
                                etaSeconds: rate > 0 ? Double(remaining) / rate : nil, inFlight: inFlight, restingServers: resting,
                                pairsThisWorker: run.pairs - start.pairs)
    }
}
