import Foundation
import Model
import Testing
@testable import Training

@Suite struct CheckpointTests {
    @Test func aCheckpointIsAnHFDirectoryThatLoadsBackExactly() throws {
        let directory = try temporaryDirectory() + "/step-000002"
        let trainer = try Trainer(config: tinyConfig(steps: 2), data: patternData(), seed: 1)
        _ = try trainer.step(); _ = try trainer.step()
        let sha = try trainer.checkpoint(to: directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["SHA256SUMS", "config.json", "model.safetensors", "optimizer.bin", "trainer_state.json"])
        let plain = try DecoderModel.load(directory: directory)
        #expect(weights(plain) == weights(trainer.model))
        let loaded = try Checkpoint.load(directory: directory, expectedSHA256: sha)
        #expect(loaded.state == trainer.state)
        #expect(loaded.optimizer == trainer.optimizer.state())
    }

    @Test func theDataTokenizerTravelsWithEveryCheckpointUnderItsChecksum() throws {
        let directory = try temporaryDirectory() + "/step-000001"
        let trainer = try Trainer(config: tinyConfig(steps: 1), data: patternData(), seed: 1)
        let tokenizerJSON = Data(#"{"version": "1.0", "model": {"type": "BPE"}}"#.utf8)
        trainer.tokenizerJSON = tokenizerJSON
        _ = try trainer.step()
        let sha = try trainer.checkpoint(to: directory)
        #expect(FileManager.default.contents(atPath: directory + "/tokenizer.json") == tokenizerJSON)
        let sums = try String(contentsOfFile: directory + "/SHA256SUMS", encoding: .utf8)
        #expect(sums.contains("  tokenizer.json\n"))
        #expect(try Checkpoint.verify(directory: directory, expectedSHA256: sha) == sha)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/tokenizer.json"))
        #expect(throws: TrainingError.self) { try Checkpoint.verify(directory: directory) }
    }

    @Test func aChangedFileOrHashFailsVerification() throws {
        let directory = try temporaryDirectory() + "/step-000001"
        let trainer = try Trainer(config: tinyConfig(steps: 1), data: patternData(), seed: 1)
        _ = try trainer.step()
        let sha = try trainer.checkpoint(to: directory)
        #expect(throws: TrainingError.self) { try Checkpoint.load(directory: directory, expectedSHA256: String(repeating: "0", count: 64)) }
        let path = directory + "/model.safetensors"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 1] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.self) { try Checkpoint.load(directory: directory, expectedSHA256: sha) }
        #expect(throws: TrainingError.self) { try Checkpoint.verify(directory: directory) }
    }

    @Test(arguments: Checkpoint.Stage.allCases)
    func anInterruptedWriteLeavesThePreviousCheckpointLoadable(stage: Checkpoint.Stage) throws {
        let run = try temporaryDirectory()
        let trainer = try Trainer(config: tinyConfig(steps: 4), data: patternData(), seed: 1)
        _ = try trainer.step()
        let sha = try trainer.checkpoint(to: run + "/step-000001")
        let before = weights(trainer.model)
        _ = try trainer.step()
        #expect(throws: TrainingError.interrupted(stage: stage.rawValue)) { try trainer.checkpoint(to: run + "/step-000002", interruptAfter: stage) }
        #expect(!FileManager.default.fileExists(atPath: run + "/step-000002"))
        #expect(Checkpoint.latest(in: run) == run + "/step-000001")
        let loaded = try Checkpoint.load(directory: run + "/step-000001", expectedSHA256: sha)
        #expect(weights(loaded.model) == before)
        // A complete write afterwards still works (the stray temporary directory is replaced).
        try trainer.checkpoint(to: run + "/step-000002")
        #expect(Checkpoint.latest(in: run) == run + "/step-000002")
    }

    @Test func rewritingAStepReplacesItAtomically() throws {
        let run = try temporaryDirectory()
        let trainer = try Trainer(config: tinyConfig(steps: 2), data: patternData(), seed: 1)
        _ = try trainer.step()
        try trainer.checkpoint(to: run + "/step-000001")
        _ = try trainer.step()
        let sha = try trainer.checkpoint(to: run + "/step-000001")
        #expect(try Checkpoint.verify(directory: run + "/step-000001") == sha)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run) == ["step-000001"])
    }
}
