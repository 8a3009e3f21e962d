import Foundation
import GRDB
import Store
import Testing
@testable import Synthesis

/// A synthesizer that answers every prompt with the same completion, or fails every one.
struct FixedSynthesizer: Synthesizer {
    var completion: String?
    var reference: String { "fixed" }

    func complete(_ prompts: [SynthesisPrompt], parameters: SamplingParameters) throws -> [Result<Completion, CompletionFailure>] {
        prompts.map { _ in
            completion.map { .success(Completion(text: $0)) } ?? .failure(CompletionFailure(message: "server said no"))
        }
    }
}

/// What servers and flags can do to a run: NUL bytes in completions, every request failing,
/// a lease time that cannot be scheduled.
@Suite struct HostileBackendTests {
    let setup = SynthRunSetup(backend: .miner, backendReference: "fixed", rounds: 2,
                              limits: ChainLimits(maxModelLength: 4096, maxNewTokens: 400))

    @Test func aNULInACompletionIsStoredAndParsedAsTheSameText() throws {
        let store = try makeStore(texts: ["one text", "two text"], in: try temporaryDirectory())
        var oneRound = setup
        oneRound.rounds = 1
        let runId = try store.write { db in try SynthesisRepository.createRun(oneRound, in: db) }
        let output = " <QUE> What is\u{0} here? <ANS> A NUL\u{0}byte. </END>\n\n<QUE> Second? <ANS> Yes. </END>"
        try SynthesisWorker(store: store, run: runId, synthesizer: FixedSynthesizer(completion: output)).work()
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, output FROM synth_requests WHERE run_id = ? ORDER BY id", arguments: [runId])
        }
        #expect(rows.count == 2)
        for row in rows {
            let stored: String = row["output"]
            #expect(stored == output.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"), "the whole output is kept, not cut at the NUL")
            let pairs = try store.read { db in try SynthesisRepository.pairs(ofRequest: row["id"], in: db) }
            #expect(pairs == SynthesizerOutputParser.parse(stored))
            #expect(pairs.count == 2)
        }
    }

    @Test func aRunWhoseEveryRequestFailedEndsFailed() throws {
        let store = try makeStore(texts: ["a", "b", "c"], in: try temporaryDirectory())
        var quick = setup
        quick.maxAttempts = 2
        let runId = try store.write { db in try SynthesisRepository.createRun(quick, in: db) }
        let summary = try SynthesisWorker(store: store, run: runId, synthesizer: FixedSynthesizer(completion: nil), batchSize: 2).work()
        #expect(summary.requestsCompleted == 0)
        let run = try store.read { db in try SynthesisRepository.run(runId, in: db) }
        #expect(run.status == "failed")
        let failure = try store.read { db in try SynthesisRepository.failure(run: runId, in: db) }
        #expect(failure == .runFailed(runId, requests: 3, lastError: "server said no"))
        #expect(failure?.localizedDescription.contains("all 3 requests failed") == true)
        // Working it again changes nothing: the run is finished.
        #expect(try SynthesisWorker(store: store, run: runId, synthesizer: FixedSynthesizer(completion: nil)).work().requestsFailed == 0)

        // One success is enough for done.
        let other = try makeStore(texts: ["a"], in: try temporaryDirectory())
        let doneId = try other.write { db in try SynthesisRepository.createRun(quick, in: db) }
        try SynthesisWorker(store: other, run: doneId, synthesizer: FixedSynthesizer(completion: " <QUE> q <ANS> a </END>")).work()
        #expect(try other.read { db in try SynthesisRepository.run(doneId, in: db).status } == "done")
        #expect(try other.read { db in try SynthesisRepository.failure(run: doneId, in: db) } == nil)
    }

    @Test func leaseSecondsOutOfRangeAreRefusedBeforeAnyLease() throws {
        let store = try makeStore(texts: ["a"], in: try temporaryDirectory())
        let runId = try store.write { db in try SynthesisRepository.createRun(setup, in: db) }
        for seconds in [1e11, 0, -5, .nan, .infinity] {
            let worker = SynthesisWorker(store: store, run: runId, synthesizer: FixedSynthesizer(completion: nil), leaseSeconds: seconds)
            #expect(throws: SynthesisError.self) { try worker.work() }
        }
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE status = 'leased'") == 0)
        #expect(try store.read { db in try SynthesisRepository.run(runId, in: db).status } == "running")
    }
}
