import Foundation
import GRDB
import JSONLines
import Randomness
import Store
import Testing
@testable import Synthesis

/// The built `ipt` executable: next to the test bundle, or in the package's .build/debug.
func iptExecutable() -> URL? {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ipt")
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return [beside, packageRoot.appendingPathComponent(".build/debug/ipt")]
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// Runs `ipt` with `arguments` to completion; returns its standard output.
@discardableResult
func runIPT(_ executable: URL, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "ipt \(arguments.joined(separator: " ")) failed")
    return String(decoding: data, as: UTF8.self)
}

/// Raw texts with prose the miner finds tasks in (conditions, connectives, definitions).
func syntheticCorpus(count: Int) -> String {
    let nouns = ["archive", "server", "buffer", "option", "process", "message", "channel", "record", "socket", "window"]
    let verbs = ["stores", "rejects", "copies", "compresses", "updates", "locks", "prints", "deletes"]
    var lines: [String] = []
    for index in 0..<count {
        var generator = SeededGenerator(seed: 99, stream: UInt64(index))
        var sentences = ["DOCUMENT \(index)", "", "DESCRIPTION"]
        for _ in 0..<12 {
            let a = generator.pick(nouns), b = generator.pick(nouns), verb = generator.pick(verbs)
            sentences.append("       The \(a) \(verb) the \(b) when the queue is full. If the \(a) is busy, the \(b) waits for the next cycle. Therefore, the \(b) is never lost during a restart. The \(a) is a component that \(verb) data because the \(b) needs it.")
        }
        var writer = JSONWriter()
        writer.object { o in
            o.member("id") { $0.string("doc-\(index)") }
            o.member("text") { $0.string(sentences.joined(separator: "\n")) }
        }
        lines.append(String(decoding: writer.bytes, as: UTF8.self))
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Polls `condition` (a cheap query) until it holds or `worker` exits; true if it held. Waits
/// on observable state, so a slow or busy machine only makes it take longer.
func waitUntil(worker: Process, _ condition: () throws -> Bool) throws -> Bool {
    while worker.isRunning {
        if try condition() { return true }
        usleep(1000)
    }
    return try condition()
}

@Suite(.serialized) struct KillTests {
    @Test func aWorkerKilledMidBatchIsResumedWithEveryTextDoneExactlyOnce() throws {
        guard let ipt = iptExecutable() else {
            Issue.record("the ipt executable was not found next to the tests or in .build/debug: run `swift build` first")
            return
        }
        let directory = try temporaryDirectory()
        let database = directory.appendingPathComponent("kill.db").path
        let corpus = directory.appendingPathComponent("corpus.jsonl")
        let texts = 240
        try syntheticCorpus(count: texts).write(to: corpus, atomically: true, encoding: .utf8)
        try runIPT(ipt, ["ingest", "--db", database, corpus.path])
        let runText = try runIPT(ipt, ["synth", "run", "--db", database, "--backend", "miner", "--rounds", "2", "--no-work"])
        let runId = try #require(Int64(runText.trimmingCharacters(in: .whitespacesAndNewlines)))

        // Each worker is killed as soon as it is seen holding a batch (a leased row), however
        // long a busy machine takes to get it there; no fixed sleep decides when the kill lands.
        let observer = try Store.open(path: database, mode: .readOnly)
        var kills = 0
        var killedHoldingLeases = 0
        for _ in 0..<8 where killedHoldingLeases < 2 {
            let worker = Process()
            worker.executableURL = ipt
            worker.arguments = ["synth", "work", "--db", database, "--run", String(runId), "--batch-size", "6", "--lease-seconds", "1"]
            worker.standardError = FileHandle.nullDevice
            worker.standardOutput = FileHandle.nullDevice
            try worker.run()
            let leaseSeen = try waitUntil(worker: worker) {
                try number(observer, "SELECT count(*) FROM synth_requests WHERE status = 'leased' AND lease_owner LIKE ?",
                           ["%:\(worker.processIdentifier):%"]) ?? 0 > 0
            }
            guard leaseSeen, worker.isRunning else { break }
            kill(worker.processIdentifier, SIGKILL)
            worker.waitUntilExit()
            kills += 1
            let leased = try number(observer, "SELECT count(*) FROM synth_requests WHERE status = 'leased'") ?? 0
            if leased > 0 { killedHoldingLeases += 1 }
        }
        #expect(kills >= 1, "the worker finished before it could be killed: give it more texts")
        #expect(killedHoldingLeases >= 1, "no kill landed while the worker held a batch")

        // A fresh worker takes over the dead ones' leases once they expire, and finishes.
        try runIPT(ipt, ["synth", "work", "--db", database, "--run", String(runId), "--lease-seconds", "1"])

        let store = try Store.open(path: database)
        #expect(try store.integrityCheck() == ["ok"])
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE status = 'done'") == texts)
        #expect(try number(store, "SELECT count(*) FROM synth_requests WHERE status <> 'done'") == 0)
        #expect(try number(store, "SELECT count(DISTINCT raw_text_id) FROM synth_requests") == texts)
        #expect(try number(store, "SELECT count(*) FROM raw_texts WHERE id NOT IN (SELECT raw_text_id FROM synth_requests)") == 0)
        // No orphan pairs: every pair belongs to a done request, and each done request holds
        // exactly the pairs its stored output parses to.
        #expect(try number(store, """
            SELECT count(*) FROM instruction_pairs p JOIN synth_requests q ON q.id = p.request_id WHERE q.status <> 'done'
            """) == 0)
        let outputs = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT q.output, (SELECT count(*) FROM instruction_pairs p WHERE p.request_id = q.id) AS stored FROM synth_requests q
                """)
        }
        let mismatched = outputs.filter { SynthesizerOutputParser.parse($0["output"] as String).count != $0["stored"] as Int }
        #expect(mismatched.isEmpty)
        #expect(try number(store, "SELECT count(*) FROM instruction_pairs") ?? 0 > texts)
        #expect(try number(store, "SELECT max(attempts) FROM synth_requests") ?? 0 >= 2, "some request should have been retried after a kill")
        #expect(try store.read { db in try SynthesisRepository.run(runId, in: db).status } == "done")
    }
}
