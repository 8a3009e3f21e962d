import Corpus
import Foundation
import GRDB
import Store
import Testing
@testable import Synthesis

/// A fresh temporary directory for one test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-synth-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A database holding `texts` as raw texts of source "test", ids 1...n in order.
func makeStore(texts: [String], in directory: URL) throws -> Store {
    let store = try Store.open(path: directory.appendingPathComponent("synth.db").path)
    try store.write { db in
        let source = try CorpusRepository.source(named: "test", in: db)
        for text in texts {
            _ = try CorpusRepository.insertRawText(PreparedText(text: text, externalId: nil), sourceId: source.id, ingestId: nil, split: .train, in: db)
        }
    }
    return store
}

/// The scripted backend as a `Synthesizer`: answers `answers[text]` pairs about the current
/// reading (1 by default); texts in `failing` always fail.
struct ScriptedSynthesizer: Synthesizer {
    var answers: [String: Int] = [:]
    var failing: Set<String> = []
    var reference: String { "scripted" }

    func complete(_ prompts: [SynthesisPrompt], parameters: SamplingParameters) throws -> [Result<Completion, CompletionFailure>] {
        let backend = ScriptedBackend(answers: answers)
        return prompts.map { prompt in
            if failing.contains(ScriptedBackend.currentText(of: prompt.prompt)) {
                return .failure(CompletionFailure(message: "scripted failure"))
            }
            return .success(Completion(text: backend.complete([prompt.prompt])[0], promptTokens: 3, completionTokens: 2))
        }
    }
}

@Suite struct QueueTests {
    let limits = ChainLimits(maxModelLength: 4096, maxNewTokens: 400)

    func setup(rounds: Int, maxAttempts: Int = 5) -> SynthRunSetup {
        var setup = SynthRunSetup(backend: .miner, backendReference: "scripted", rounds: rounds, limits: limits)
        setup.maxAttempts = maxAttempts
        return setup
    }

    @Test func databaseRunPlansExactlyLikeTheInMemoryReference() throws {
        let texts = (0..<10).map { "t\($0)" }
        let answers = ["t4": 0, "t2": 0, "t7": 3]
        let store = try makeStore(texts: texts, in: try temporaryDirectory())
        let runId = try store.write { db in try SynthesisRepository.createRun(setup(rounds: 3), in: db) }
        let summary = try SynthesisWorker(store: store, run: runId, synthesizer: ScriptedSynthesizer(answers: answers), batchSize: 3).work()
        let reference = MultiRoundSynthesis.run(texts: texts, rounds: 3, limits: limits,
                                                complete: ScriptedBackend(answers: answers).complete)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT q.id, q.round, q.position, q.raw_text_id, q.prompt, q.prepended_entries, q.status, l.followed_by_next, l.inherits_from_previous
                FROM synth_requests q LEFT JOIN synth_chain_links l ON l.request_id = q.id ORDER BY q.round, q.position
                """)
        }
        let pairs = try store.read { db in try rows.map { try SynthesisRepository.pairs(ofRequest: $0["id"], in: db) } }
        let progress = try store.read { db in try SynthesisRepository.progress(run: runId, in: db) }
        do {
            #expect(rows.count == 10)
            let flat = reference.flatMap { $0 }
            for (row, entry) in zip(rows, flat) {
                #expect(row["round"] as Int == entry.round && row["position"] as Int == entry.position)
                #expect(row["raw_text_id"] as Int64 == Int64(entry.textIndex + 1))
                #expect(row["prompt"] as String == entry.prompt)
                #expect(row["prepended_entries"] as Int == entry.prependedEntries)
                #expect(row["status"] as String == "done")
                if entry.round > 0 {
                    #expect(row["followed_by_next"] as Bool? == entry.followsPrevious)
                    #expect(row["inherits_from_previous"] as Bool? == entry.inheritsFromPrevious)
                }
            }
            #expect(pairs == flat.map(\.pairs))
            #expect(progress.run.status == "done")
            #expect(progress.pairs == flat.map(\.pairs.count).reduce(0, +))
            #expect(summary.pairsWritten == progress.pairs)
            #expect(progress.promptTokens == 30)
        }
    }

    @Test func workersOnSeparateConnectionsShareARunExactlyOnce() throws {
        let directory = try temporaryDirectory()
        let texts = (0..<120).map { "text number \($0)" }
        let store = try makeStore(texts: texts, in: directory)
        let runId = try store.write { db in try SynthesisRepository.createRun(setup(rounds: 2), in: db) }
        let group = DispatchGroup()
        let errors = ErrorBox()
        for index in 0..<3 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let own = try Store.open(path: directory.appendingPathComponent("synth.db").path)
                    try SynthesisWorker(store: own, run: runId, synthesizer: ScriptedSynthesizer(answers: [:]),
                                        owner: "worker-\(index)", batchSize: 4).work()
                } catch { errors.append(error) }
            }
        }
        group.wait()
        #expect(errors.isEmpty)
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE status = 'done'") == 120)
        #expect(try number(store, "SELECT count(DISTINCT raw_text_id) FROM synth_requests") == 120)
        #expect(try number(store, "SELECT count(*) FROM instruction_pairs") == 120)
        #expect(try number(store, "SELECT max(attempts) FROM synth_requests") == 1)
    }

    @Test func aFailingRequestIsRetriedThenFailsAndBreaksItsChain() throws {
        let store = try makeStore(texts: ["t0", "t1", "t2", "t3"], in: try temporaryDirectory())
        let runId = try store.write { db in try SynthesisRepository.createRun(setup(rounds: 2, maxAttempts: 3), in: db) }
        let summary = try SynthesisWorker(store: store, run: runId, synthesizer: ScriptedSynthesizer(failing: ["t0", "t3"])).work()
        #expect(summary.requestsFailed == 6)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.text, q.status, q.attempts, q.last_error, q.prepended_entries, l.inherits_from_previous
                FROM synth_requests q JOIN raw_texts r ON r.id = q.raw_text_id
                LEFT JOIN synth_chain_links l ON l.request_id = q.id ORDER BY q.id
                """)
        }
        let status = try store.read { db in try SynthesisRepository.run(runId, in: db).status }
        do {
            #expect(rows.map { $0["status"] as String } == ["failed", "done", "done", "failed"])
            #expect(rows.map { $0["attempts"] as Int } == [3, 1, 1, 3])
            #expect(rows[0]["last_error"] as String? == "scripted failure")
            // t2 continues the failed t0's chain: nothing to prepend. t3 continues t1's but fails.
            #expect(rows[2]["prepended_entries"] as Int == 0)
            #expect(rows[3]["prepended_entries"] as Int == 1)
            #expect(rows[3]["inherits_from_previous"] as Int? == 0)
            #expect(status == "done")
        }
    }

    @Test func aWorkerThatLostItsLeaseWritesNothing() throws {
        let store = try makeStore(texts: ["t0", "t1"], in: try temporaryDirectory())
        let runId = try store.write { db in try SynthesisRepository.createRun(setup(rounds: 1), in: db) }
        let now = Date().timeIntervalSince1970
        let first = try store.write { db in
            try SynthesisRepository.advance(run: runId, in: db)
            return try SynthesisRepository.claim(run: runId, owner: "slow", batchSize: 2, leaseSeconds: 10, now: now, in: db)
        }
        #expect(first.count == 2)
        // Nothing is claimable while the leases last; after they expire another worker takes them.
        let tooEarly = try store.write { db in try SynthesisRepository.claim(run: runId, owner: "fast", batchSize: 2, leaseSeconds: 10, now: now + 5, in: db) }
        #expect(tooEarly.isEmpty)
        let second = try store.write { db in try SynthesisRepository.claim(run: runId, owner: "fast", batchSize: 2, leaseSeconds: 10, now: now + 11, in: db) }
        #expect(second.map(\.id) == first.map(\.id))
        let outcome = { (id: Int64) in RequestOutcome(requestId: id, result: .success(Completion(text: "<QUE> q <ANS> a </END>")), latencySeconds: 0) }
        let slowWrote = try store.write { db in try SynthesisRepository.record(first.map(\.id).map(outcome), owner: "slow", in: db) }
        #expect(slowWrote == 0)
        let renewed = try store.write { db in try SynthesisRepository.renew(first.map(\.id), owner: "slow", until: now + 100, in: db) }
        #expect(renewed == 0)
        let fastWrote = try store.write { db in try SynthesisRepository.record(second.map(\.id).map(outcome), owner: "fast", in: db) }
        #expect(fastWrote == 2)
        #expect(try number(store, "SELECT count(*) FROM instruction_pairs") == 2)
        #expect(try number(store, "SELECT sum(attempts) FROM synth_requests") == 4)
    }

    @Test func runsTakeOneSourceAndALimitInIdOrder() throws {
        let directory = try temporaryDirectory()
        let store = try makeStore(texts: ["a", "b", "c"], in: directory)
        try store.write { db in
            let other = try CorpusRepository.source(named: "other", in: db)
            for text in ["x", "y", "z"] {
                _ = try CorpusRepository.insertRawText(PreparedText(text: text, externalId: nil), sourceId: other.id, ingestId: nil, split: .train, in: db)
            }
        }
        var limited = setup(rounds: 2)
        limited.source = "other"
        limited.textLimit = 2
        let runId = try store.write { db in try SynthesisRepository.createRun(limited, in: db) }
        let chosen = try store.read { db in
            try Int64.fetchAll(db, sql: "SELECT raw_text_id FROM synth_run_texts WHERE run_id = ? ORDER BY ordinal", arguments: [runId])
        }
        #expect(chosen == [4, 5])
        #expect(try store.read { db in try SynthesisRepository.run(runId, in: db).roundSize } == 1)
        var unknown = setup(rounds: 1)
        unknown.source = "nope"
        #expect(throws: SynthesisError.unknownSource("nope")) { try store.write { db in try SynthesisRepository.createRun(unknown, in: db) } }
    }
}

/// One integer a query returns.
func number(_ store: Store, _ sql: String, _ arguments: StatementArguments = []) throws -> Int? {
    try store.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func append(_ error: Error) { lock.lock(); errors.append(error); lock.unlock() }
    var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return errors.isEmpty }
}
