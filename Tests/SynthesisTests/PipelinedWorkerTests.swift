import Foundation
import GRDB
import Store
import Testing
@testable import Synthesis
@testable import SynthesisBackends

/// An in-process completion server: answers one pair about the prompt's text, counts what it
/// was sent, and can be scripted to fail (as a dead server would) or to hold requests until
/// released (as a slow one would).
final class FakeServer: CompletionServer, @unchecked Sendable {
    enum Behaviour {
        case answer, refuse, holdUntilReleased
        /// Answers, but only once `other` holds a request: the order a test needs, whatever the
        /// scheduler does on a busy machine.
        case answerOnceHolding(FakeServer)
    }
    let reference: String
    let behaviour: Behaviour
    private let condition = NSCondition()
    private var released = false
    private(set) var prompts: [String] = []
    private(set) var answered = 0
    private(set) var holding = 0

    init(_ reference: String, _ behaviour: Behaviour) {
        self.reference = reference
        self.behaviour = behaviour
    }

    func completeOnce(_ prompt: String, parameters: SamplingParameters) -> Result<Completion, ServerFailure> {
        if case .answerOnceHolding(let other) = behaviour { other.waitUntilHolding(1) }
        condition.lock()
        defer { condition.unlock() }
        prompts.append(prompt)
        condition.broadcast()
        switch behaviour {
        case .refuse:
            return .failure(ServerFailure(message: "cannot reach \(reference): connection refused", serverAtFault: true))
        case .holdUntilReleased:
            holding += 1
            condition.broadcast()
            while !released { condition.wait() }
            holding -= 1
        case .answer, .answerOnceHolding:
            break
        }
        answered += 1
        condition.broadcast()
        let text = ScriptedBackend.currentText(of: prompt)
        return .success(Completion(text: "<QUE> Q about \(text)? <ANS> A </END>", promptTokens: 5, completionTokens: 7, finishReason: "stop"))
    }

    func release() {
        condition.lock()
        released = true
        condition.broadcast()
        condition.unlock()
    }

    var sent: Int { condition.lock(); defer { condition.unlock() }; return prompts.count }

    /// Blocks until this server has been sent `count` prompts.
    func waitUntilSent(_ count: Int) {
        condition.lock()
        defer { condition.unlock() }
        while prompts.count < count { condition.wait() }
    }

    var holdingNow: Int { condition.lock(); defer { condition.unlock() }; return holding }

    /// Blocks until this server holds `count` requests at once.
    func waitUntilHolding(_ count: Int) {
        condition.lock()
        defer { condition.unlock() }
        while holding < count { condition.wait() }
    }
}

@Suite(.timeLimit(.minutes(2))) struct PipelinedWorkerTests {
    let limits = ChainLimits(maxModelLength: 4096, maxNewTokens: 400)

    func run(texts: Int, rounds: Int = 1) throws -> (Store, Int64) {
        let store = try makeStore(texts: (0..<texts).map { "t\($0)" }, in: try temporaryDirectory())
        let setup = SynthRunSetup(backend: .openai, backendReference: "fake", rounds: rounds, limits: limits)
        return (store, try store.write { db in try SynthesisRepository.createRun(setup, in: db) })
    }

    /// Every text's request is done exactly once, with exactly one pair about that text.
    func expectEveryTextDoneOnce(_ store: Store, _ runId: Int64, texts: Int) throws {
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE run_id = ? AND status = 'done'", [runId]) == texts)
        #expect(try number(store, "SELECT count(DISTINCT raw_text_id) FROM synth_requests WHERE run_id = ?", [runId]) == texts)
        #expect(try number(store, "SELECT count(*) FROM instruction_pairs p JOIN synth_requests r ON r.id = p.request_id WHERE r.run_id = ?", [runId]) == texts)
        #expect(try number(store, """
            SELECT count(*) FROM instruction_pairs p JOIN raw_texts t ON t.id = p.raw_text_id WHERE p.question != 'Q about ' || t.text || '?'
            """) == 0)
        #expect(try store.read { db in try SynthesisRepository.run(runId, in: db).status } == "done")
    }

    @Test func aFailingServerIsRestedAndItsWorkDoneByTheOther() throws {
        let (store, runId) = try run(texts: 40, rounds: 2)
        // The live server answers only once the dead one has failed twice, so the rest happens
        // however the threads are scheduled (on a busy machine the live one could otherwise finish
        // every request before the dead one is asked at all).
        let dead = FakeServer("dead", .refuse), alive = FakeServer("alive", .holdUntilReleased)
        Thread { dead.waitUntilSent(2); alive.release() }.start()
        let worker = PipelinedSynthesisWorker(store: store, run: runId, servers: [dead, alive], concurrencyPerServer: 3)
        worker.health = ServerHealth(restAfterFailures: 2, restSeconds: 60, maxRestSeconds: 60)
        worker.maxServerFailuresPerRequest = 50
        let summary = try worker.work()
        try expectEveryTextDoneOnce(store, runId, texts: 40)
        #expect(alive.answered == 40)
        // The dead server rested at its second failure (a long rest: no probe during this run).
        // Before that it can have been sent at most the one failure it had already recorded plus
        // one request per slot still out (3); nothing was recorded against a request.
        #expect(dead.sent <= 1 + 3)
        #expect(summary.health[0].rests == 1 && summary.health[1].completed == 40)
        #expect(summary.requestsFailed == 0 && summary.requestsCompleted == 40)
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE run_id = ? AND attempts != 1", [runId]) == 0)
        // Each request the dead server failed (one may have failed there twice) says so in its provenance.
        let recovered = try number(store, "SELECT count(*) FROM synth_requests WHERE run_id = ? AND last_error LIKE 'recovered on alive after: cannot reach dead%'", [runId]) ?? 0
        #expect(recovered >= 1 && recovered <= dead.sent)
    }

    @Test func aSlowServerDoesNotHoldBackTheOthers() throws {
        let (store, runId) = try run(texts: 30)
        let slow = FakeServer("slow", .holdUntilReleased)
        let fast = FakeServer("fast", .answerOnceHolding(slow))
        let worker = PipelinedSynthesisWorker(store: store, run: runId, servers: [slow, fast], concurrencyPerServer: 2)
        let errors = ErrorBox()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            do { try worker.work() } catch { errors.append(error) }
            finished.signal()
        }.start()
        // The slow server holds the requests its slots took (one or two: the fast server answers
        // once it holds one, and may drain the queue before its second slot takes another); the
        // fast one finishes all the others and they are committed while those are still out.
        let deadline = Date().addingTimeInterval(60)
        var held = 0, done = 0
        repeat {
            Thread.sleep(forTimeInterval: 0.01)
            held = slow.holdingNow
            done = try number(store, "SELECT count(*) FROM synth_requests WHERE run_id = ? AND status = 'done'", [runId]) ?? 0
        } while !(held >= 1 && done == 30 - held) && Date() < deadline
        #expect(held >= 1 && held <= 2 && done == 30 - held)
        #expect(fast.answered == 30 - held && slow.sent == held)
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE run_id = ? AND status = 'leased'", [runId]) == held)
        slow.release()
        finished.wait()
        #expect(errors.isEmpty)
        try expectEveryTextDoneOnce(store, runId, texts: 30)
        #expect(slow.answered == held && fast.answered == 30 - held)
    }

    @Test func whenEveryServerFailsTheRequestsFailThroughTheQueueAndTheRunEndsFailed() throws {
        let (store, runId) = try run(texts: 4)
        try store.write { db in try db.execute(sql: "UPDATE synth_runs SET max_attempts = 2 WHERE id = ?", arguments: [runId]) }
        let worker = PipelinedSynthesisWorker(store: store, run: runId, servers: [FakeServer("a", .refuse), FakeServer("b", .refuse)], concurrencyPerServer: 2)
        worker.health = ServerHealth(restAfterFailures: 1000)
        worker.maxServerFailuresPerRequest = 3
        let summary = try worker.work()
        #expect(summary.requestsCompleted == 0 && summary.requestsFailed == 8)
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE run_id = ? AND status = 'failed' AND last_error LIKE '3 server failures: cannot reach%'", [runId]) == 4)
        #expect(try store.read { db in try SynthesisRepository.failure(run: runId, in: db) } != nil)
    }

    @Test func restsDoubleUpToTheirLimitAndASuccessResetsThem() {
        var health = ServerHealth(restAfterFailures: 2, restSeconds: 1, maxRestSeconds: 3)
        var started: [Bool] = []
        started.append(health.recordFailure(now: 0))
        started.append(health.recordFailure(now: 0))
        #expect(started == [false, true] && health.isResting(now: 0.5) && !health.isResting(now: 1))
        started = [health.recordFailure(now: 0.9)]        // a failure during the rest does not lengthen it
        #expect(started == [false] && health.restingUntil == 1)
        started = [health.recordFailure(now: 1)]          // the probe after the rest fails: twice as long
        #expect(started == [true] && health.restingUntil == 3)
        started = [health.recordFailure(now: 3)]          // capped at 3 s
        #expect(started == [true] && health.restingUntil == 6)
        health.recordSuccess()
        started = [health.recordFailure(now: 10), health.recordFailure(now: 10)]
        #expect(started == [false, true] && health.restingUntil == 11)
        #expect(health.rests == 4 && health.failures == 7 && health.completed == 1)
    }

    @Test func throughputIsMeasuredOverTheRecentWindow() {
        var meter = ThroughputMeter(started: 0)
        meter.add(requests: 10, tokens: 100, now: 1)
        #expect(meter.requestsPerSecond(now: 2) == 5 && meter.tokensPerSecond(now: 2) == 50)
        meter.add(requests: 10, tokens: 100, now: 20)
        meter.add(requests: 10, tokens: 100, now: 25)
        // The 10 s window starts from the last sample before it (at 1 s): 20 requests in 24 s.
        #expect(meter.requestsPerSecond(now: 25) == 20.0 / 24)
        meter.add(requests: 10, tokens: 100, now: 40)
        #expect(meter.requestsPerSecond(now: 40) == 10.0 / 15)   // from the sample at 25 s
    }
}
