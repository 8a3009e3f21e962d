import Corpus
import Foundation
import GRDB
import Mixing
import Store
import Testing
@testable import Training
import Tokenization

/// Spawns the built `ipt` binary, kills it with SIGKILL while it is writing a checkpoint, and
/// checks that what is left loads: the newest complete checkpoint verifies against its hash in
/// `checkpoints`, and a resume from it continues.
@Suite struct KillDuringCheckpointTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func iptBinary() throws -> String {
        let candidates = [".build/debug/ipt", ".build/x86_64-unknown-linux-gnu/debug/ipt", ".build/aarch64-unknown-linux-gnu/debug/ipt"]
            .map { Self.packageRoot + "/" + $0 }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "build ipt first (swift build)")
    }

    func makeDatabase(at path: String) throws {
        let store = try Store.open(path: path)
        try store.write { db in
            let source = try CorpusRepository.source(named: "web", in: db)
            for i in 0..<40 {
                _ = try CorpusRepository.insertRawText(PreparedText(text: "text \(i): the mill wheel turns \(i) times an hour.", externalId: nil),
                                                       sourceId: source.id, ingestId: nil, split: .train, in: db)
            }
            _ = try MixingRepository.createMixture(name: "m", components: [try MixtureComponent.parse("raw")], in: db)
        }
        _ = try Snapshot.create(store: store, mixture: "m", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 16), seed: 1)
    }

    @Test func killDashNineDuringACheckpointWriteLeavesThePreviousOneLoadable() throws {
        let ipt = try iptBinary()
        let directory = try temporaryDirectory()
        let database = directory + "/t.db", out = directory + "/run"
        try makeDatabase(at: database)
        // The tiny model (5M parameters, 60 MB per checkpoint) with 1 × 16-token steps: the
        // process spends most of its time writing checkpoints.
        let config = directory + "/config.json"
        try Data(#"{"base": "tiny", "batchSize": 1}"#.utf8).write(to: URL(fileURLWithPath: config))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ipt)
        process.arguments = ["train", "--db", database, "--snapshot", "1", "--config", config, "--steps", "1000", "--seed", "1",
                             "--out", out, "--checkpoint-every", "1"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Wait for one complete checkpoint, then for the next write to be under way, and kill
        // (however long a busy machine takes: the wait is for that state, not for a time).
        var killedMidWrite = false
        while process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            if names.contains(where: { $0.hasPrefix("step-") }), names.contains(where: { $0.hasPrefix(".step-") && $0.contains(".tmp-") }) {
                kill(process.processIdentifier, SIGKILL)
                killedMidWrite = true
                break
            }
            usleep(200)
        }
        process.waitUntilExit()
        #expect(killedMidWrite)
        #expect(process.terminationReason == .uncaughtSignal)

        let latest = try #require(Checkpoint.latest(in: out))
        let store = try Store.open(path: database)
        let recorded = try store.read { db in try TrainingRepository.checkpoint(path: latest, in: db) }
        let checkpoint = try Checkpoint.load(directory: latest, expectedSHA256: recorded?.sha256)
        #expect(checkpoint.state.step >= 1)
        // Every checkpoint the database recorded is complete and verifies.
        let all = try store.read { db in try TrainingRepository.checkpoints(runId: 1, in: db) }
        #expect(!all.isEmpty)
        for record in all { #expect(try Checkpoint.verify(directory: record.path, expectedSHA256: record.sha256) == record.sha256) }

        // The killed run is recognised as abandoned, and its half-written directory cleaned.
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT status FROM training_runs WHERE id = 1") } == "running")
        let abandoned = try store.write { db in try TrainingRepository.failAbandonedRuns(in: db) }
        #expect(abandoned.map(\.id) == [1] && abandoned.first?.ownerPid == Int64(process.processIdentifier))
        #expect(try store.read { db in try String.fetchOne(db, sql: "SELECT status FROM training_runs WHERE id = 1") } == "failed")
        let cleaned = try Checkpoint.cleanInterruptedWrites(in: out)
        #expect(cleaned.contains { if case .removedTemporary = $0 { true } else { false } })
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { !$0.hasPrefix(".") })
    }
}
