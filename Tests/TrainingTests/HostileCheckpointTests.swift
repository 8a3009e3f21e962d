import Foundation
import GRDB
import Model
import Store
import Testing
@testable import Training

/// Checkpoints someone hands over, with SHA256SUMS regenerated after the edit so that only the
/// contents can give them away: each is refused with an error naming the file and field.
@Suite struct HostileCheckpointTests {
    /// A verified one-step checkpoint whose `file` is then rewritten by `edit` and resealed.
    func tamperedCheckpoint(_ file: String, _ edit: (inout Data) throws -> Void) throws -> String {
        let directory = try temporaryDirectory() + "/step-000001"
        let trainer = try Trainer(config: tinyConfig(steps: 2), data: patternData(), seed: 1)
        _ = try trainer.step()
        try trainer.checkpoint(to: directory)
        let path = directory + "/" + file
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        try edit(&data)
        try data.write(to: URL(fileURLWithPath: path))
        try Data(try Checkpoint.checksums(directory: directory).utf8).write(to: URL(fileURLWithPath: directory + "/SHA256SUMS"))
        _ = try Checkpoint.verify(directory: directory)  // Resealed: only the contents are wrong.
        return directory
    }

    /// Sets top-level or config fields of trainer_state.json in its text (a JSON round trip
    /// could reformat the large RNG integers).
    func editState(_ fields: [String: Int]) -> (inout Data) throws -> Void {
        { data in
            var text = String(decoding: data, as: UTF8.self)
            for (field, value) in fields {
                let pattern = "\"\(field)\" : -?[0-9]+"
                let range = try #require(text.range(of: pattern, options: .regularExpression), "no \(field) in \(text)")
                text.replaceSubrange(range, with: "\"\(field)\" : \(value)")
            }
            data = Data(text.utf8)
        }
    }

    func loadError(_ directory: String) -> String? {
        do { _ = try Checkpoint.load(directory: directory); return nil } catch { return error.localizedDescription }
    }

    @Test func aCraftedOptimizerCountIsAnErrorNotATrap() throws {
        for count in [UInt64(1) << 61, UInt64.max, UInt64(1) << 63] {
            let directory = try tamperedCheckpoint("optimizer.bin") { data in
                withUnsafeBytes(of: count.littleEndian) { data.replaceSubrange(16..<24, with: $0) }
            }
            let message = try #require(loadError(directory))
            #expect(message.contains("optimizer.bin") && message.contains("moments"), "\(message)")
        }
        let steps = try tamperedCheckpoint("optimizer.bin") { data in
            withUnsafeBytes(of: UInt64.max.littleEndian) { data.replaceSubrange(8..<16, with: $0) }
        }
        #expect(loadError(steps)?.contains("step count") == true)
    }

    @Test func aNegativeOrShiftedDataPositionIsRefused() throws {
        for position in [-1, -1_000_000, Int.max, 4] {
            let directory = try tamperedCheckpoint("trainer_state.json", editState(["dataPosition": position]))
            let message = try #require(loadError(directory))
            #expect(message.contains("trainer_state.json") && message.contains("dataPosition"), "\(message)")
        }
    }

    @Test func aNegativeStepIsRefusedRatherThanTrainingWithANegativeLearningRate() throws {
        let negative = try tamperedCheckpoint("trainer_state.json", editState(["step": -3, "dataPosition": -9]))
        #expect(loadError(negative)?.contains("field \"step\" is -3") == true)
        let beyond = try tamperedCheckpoint("trainer_state.json", editState(["step": 99, "dataPosition": 297]))
        #expect(loadError(beyond)?.contains("field \"step\" is 99") == true)
        let epoch = try tamperedCheckpoint("trainer_state.json", editState(["epoch": -1]))
        #expect(loadError(epoch)?.contains("epoch") == true)
    }

    @Test func aStateWhoseConfigAsksForTooMuchMemoryIsRefused() throws {
        let directory = try tamperedCheckpoint("trainer_state.json", editState(["batchSize": 100_000_000]))
        #expect(loadError(directory)?.contains("memory limit") == true)
    }

    @Test func anAbsurdBatchSizeIsRefusedBeforeAllocating() throws {
        var config = tinyConfig(steps: 1)
        config.batchSize = 100_000_000
        config.sequenceLength = 64
        #expect {
            try config.validate()
        } throws: { error in
            let message = (error as? TrainingError)?.localizedDescription ?? ""
            return message.contains("batchSize") && message.contains("memory limit") && message.contains("--batch-size")
        }
        var huge = try TrainConfig.named("tiny")
        huge.model.hiddenSize = 1 << 20
        huge.model.intermediateSize = 1 << 20
        #expect(throws: TrainingError.self) { try huge.validate() }
        var nan = tinyConfig(steps: 1)
        nan.learningRate = .nan
        #expect(throws: TrainingError.self) { try nan.validate() }
        var beta = tinyConfig(steps: 1)
        beta.beta2 = 1
        #expect(throws: TrainingError.self) { try beta.validate() }
    }
}

@Suite struct StaleTrainingStateTests {
    /// The pid of a process that has exited (and been reaped), so it is not alive.
    func deadPid() throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return Int64(process.processIdentifier)
    }

    @Test func runsOfDeadProcessesAreMarkedFailedAndLiveOnesKept() throws {
        let store = try Store.open(path: try temporaryDirectory() + "/runs.db")
        let dead = try deadPid()
        try store.write { db in
            try db.execute(sql: "INSERT INTO mixtures (name) VALUES ('m')")
            try db.execute(sql: """
                INSERT INTO snapshots (mixture_id, tokenizer, tokenizer_sha256, vocab_size, seq_len, seed, packing_json,
                                       item_count, token_count, sequence_count, manifest_sha256, tokens_sha256)
                VALUES (1, 'bytes', 'x', 259, 64, 0, '{}', 0, 0, 0, 'x', 'x')
                """)
            var killed = TrainingRunRecord(snapshotId: 1, mode: "pretrain", configJSON: "{}", seed: 0, outDir: "a")
            killed.ownerPid = dead
            try TrainingRepository.insertRun(&killed, in: db)
            var live = TrainingRunRecord(snapshotId: 1, mode: "pretrain", configJSON: "{}", seed: 0, outDir: "b")
            try TrainingRepository.insertRun(&live, in: db)
            var elsewhere = TrainingRunRecord(snapshotId: 1, mode: "pretrain", configJSON: "{}", seed: 0, outDir: "c")
            elsewhere.ownerHost = "another-host"
            try TrainingRepository.insertRun(&elsewhere, in: db)
            var silent = TrainingRunRecord(snapshotId: 1, mode: "pretrain", configJSON: "{}", seed: 0, outDir: "d")
            silent.ownerHost = "another-host"
            try TrainingRepository.insertRun(&silent, in: db)
            try db.execute(sql: "UPDATE training_runs SET created_at = '2000-01-01T00:00:00Z' WHERE out_dir = 'd'")
        }
        let abandoned = try store.write { db in try TrainingRepository.failAbandonedRuns(in: db) }
        #expect(abandoned.map(\.outDir) == ["a", "d"])
        let statuses = try store.read { db in try String.fetchAll(db, sql: "SELECT status FROM training_runs ORDER BY id") }
        #expect(statuses == ["failed", "running", "running", "failed"])
        #expect(try store.write { db in try TrainingRepository.failAbandonedRuns(in: db) }.isEmpty)
    }

    @Test func interruptedCheckpointWritesAreCleanedOrRestored() throws {
        let run = try temporaryDirectory()
        let dead = try deadPid(), live = Int64(getpid())
        let fm = FileManager.default
        for name in ["step-000002", ".step-000003.tmp-\(dead)", ".step-000002.old-\(dead)", ".step-000001.old-\(dead)",
                     ".step-000004.tmp-\(live)", ".unrelated"] {
            try fm.createDirectory(atPath: run + "/" + name, withIntermediateDirectories: false)
        }
        let done = try Checkpoint.cleanInterruptedWrites(in: run)
        #expect(Set(done.map { "\($0)" }) == Set([
            Checkpoint.Leftover.removedTemporary(path: run + "/.step-000003.tmp-\(dead)"),
            .removedPrevious(path: run + "/.step-000002.old-\(dead)"),
            .restoredPrevious(path: run + "/step-000001"),
        ].map { "\($0)" }))
        let left = try fm.contentsOfDirectory(atPath: run).sorted()
        #expect(left == [".step-000004.tmp-\(live)", ".unrelated", "step-000001", "step-000002"])
    }
}
