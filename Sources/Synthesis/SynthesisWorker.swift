import Foundation
import GRDB
import Store

/// Works one run of the queue until it is done: moves rounds forward, leases a batch, has the
/// synthesizer complete it while a timer renews the leases, and writes outputs, pairs and
/// statuses in one transaction per batch. Any number of workers (threads or processes) may work
/// the same run; a worker killed at any moment loses only its leases, which expire and are
/// taken by another.
///
///     let worker = SynthesisWorker(store: store, run: runId, synthesizer: ReadingComprehensionMiner())
///     let summary = try worker.work { progress in print(progress.requestsDone) }
public struct SynthesisWorker: Sendable {
    public struct Summary: Sendable, Equatable {
        public var requestsCompleted = 0
        public var requestsFailed = 0
        public var pairsWritten = 0
        public var seconds = 0.0
    }

    public let store: Store
    public let runId: Int64
    public let synthesizer: any Synthesizer
    public let owner: String
    public let batchSize: Int
    /// Within `leaseSecondsRange`: the renewal timer cannot be scheduled centuries ahead, and a
    /// dead worker's requests must come back within a day.
    public let leaseSeconds: Double
    public static let leaseSecondsRange: ClosedRange<Double> = 0.1...86_400
    /// How long to wait before looking again when other workers hold every remaining lease.
    public let pollSeconds = 0.5
    /// Least time between two progress reports (each one counts the run's requests and pairs).
    public let progressInterval = 0.25

    public init(store: Store, run runId: Int64, synthesizer: any Synthesizer, owner: String? = nil,
                batchSize: Int = 32, leaseSeconds: Double = 120) {
        self.store = store
        self.runId = runId
        self.synthesizer = synthesizer
        self.owner = owner ?? "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
        self.batchSize = batchSize
        self.leaseSeconds = leaseSeconds
    }

    /// Works until the run is done. `progress` is called after a batch at most every
    /// `progressInterval` seconds, and once at the end.
    @discardableResult
    public func work(progress: ((SynthProgress) -> Void)? = nil) throws -> Summary {
        guard Self.leaseSecondsRange.contains(leaseSeconds), batchSize >= 1 else {
            throw SynthesisError.invalidWorkerSettings("lease seconds \(leaseSeconds) (allowed 0.1...86400) and batch size \(batchSize) (at least 1)")
        }
        let started = Date()
        var lastReport = Date.distantPast
        var summary = Summary()
        let parameters = try store.read { db in try SynthesisRepository.run(runId, in: db).parameters }
        while true {
            let batch: [LeasedRequest]? = try store.writeImmediately { db in
                if try SynthesisRepository.advance(run: self.runId, in: db) == .done { return nil }
                return try SynthesisRepository.claim(run: self.runId, owner: self.owner, batchSize: self.batchSize,
                                                     leaseSeconds: self.leaseSeconds, now: Date().timeIntervalSince1970, in: db)
            }
            guard let batch else { break }
            if batch.isEmpty {
                // Other workers hold the rest of this round; the next round needs their results.
                Thread.sleep(forTimeInterval: pollSeconds)
                continue
            }
            let outcomes = try completeRenewingLeases(batch, parameters: parameters)
            let written = try store.writeImmediately { db in try SynthesisRepository.record(outcomes, owner: self.owner, in: db) }
            summary.pairsWritten += written
            for outcome in outcomes {
                if case .success = outcome.result { summary.requestsCompleted += 1 } else { summary.requestsFailed += 1 }
            }
            if let progress, Date().timeIntervalSince(lastReport) >= progressInterval {
                lastReport = Date()
                progress(try store.read { db in try SynthesisRepository.progress(run: runId, in: db) })
            }
        }
        if let progress { progress(try store.read { db in try SynthesisRepository.progress(run: runId, in: db) }) }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Calls the synthesizer on a batch; a background timer renews the batch's leases every
    /// third of the lease time so a slow backend does not lose them.
    func completeRenewingLeases(_ batch: [LeasedRequest], parameters: SamplingParameters) throws -> [RequestOutcome] {
        let ids = batch.map(\.id)
        let renewal = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "ipt.synth.lease-renewal"))
        let interval = max(leaseSeconds / 3, 0.05)
        renewal.schedule(deadline: .now() + interval, repeating: interval)
        renewal.setEventHandler { [store, owner, leaseSeconds] in
            _ = try? store.write { db in
                try SynthesisRepository.renew(ids, owner: owner, until: Date().timeIntervalSince1970 + leaseSeconds, in: db)
            }
        }
        renewal.resume()
        defer { renewal.cancel() }
        let started = Date()
        let prompts = batch.map { SynthesisPrompt(stream: $0.rawTextId, prompt: $0.prompt) }
        let results: [Result<Completion, CompletionFailure>]
        do {
            results = try synthesizer.complete(prompts, parameters: parameters)
        } catch {
            results = Array(repeating: .failure(CompletionFailure(message: "\(error)")), count: batch.count)
        }
        // Latency is per batch divided evenly: backends that batch cannot tell per prompt.
        let latency = Date().timeIntervalSince(started) / Double(max(batch.count, 1))
        return zip(batch, results + Array(repeating: .failure(CompletionFailure(message: "the synthesizer returned too few results")),
                                          count: max(0, batch.count - results.count)))
            .map { RequestOutcome(requestId: $0.id, result: $1, latencySeconds: latency) }
    }
}
