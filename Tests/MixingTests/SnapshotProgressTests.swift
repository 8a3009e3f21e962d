import Foundation
import ProgressReporting
import Store
import Testing
@testable import Mixing

@Suite struct SnapshotProgressTests {
    @Test func createReportsEveryItemTokenizedAndStored() throws {
        let (store, _, runId) = try fixtureStore(rawCount: 10, augmentedRaw: [0, 1])
        try scratchMixture(store, runId: runId)
        var reports: [StageProgress] = []
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1) {
            reports.append($0)
        }
        let items = try store.read { db in try MixingRepository.snapshotItems(id: id, in: db) }
        let tokenizing = reports.filter { $0.phase == "tokenizing" }
        #expect(tokenizing.map(\.done) == Array(0...items.count))
        #expect(tokenizing.allSatisfy { $0.total == items.count })
        #expect(tokenizing.last?.detail == "\(items.reduce(0) { $0 + $1.tokenCount }) tokens")
        let storing = reports.filter { $0.phase == "storing" }
        #expect(storing.map(\.done) == Array(0...items.count))

        var verifying: [StageProgress] = []
        try Snapshot.verify(store: store, id: id, tokenizer: ByteTokenizer()) { verifying.append($0) }
        #expect(verifying.filter { $0.phase == "checking texts" }.map(\.done) == Array(0...items.count))
        #expect(verifying.filter { $0.phase == "tokenizing" }.last?.done == items.count)
    }

    @Test func exportReportsTheSequencesWritten() throws {
        let (store, _, runId) = try fixtureStore(rawCount: 10, augmentedRaw: [0, 1])
        try scratchMixture(store, runId: runId)
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1)
        let (record, tokens) = try store.read { db in (try MixingRepository.snapshot(id: id, in: db), try MixingRepository.snapshotTokens(id: id, in: db)) }
        var reports: [StageProgress] = []
        try SnapshotExport.write(tokens: tokens, snapshot: record, format: .jsonl, to: try temporaryDirectory() + "/jsonl") { reports.append($0) }
        #expect(reports.map(\.done) == Array(0...record.sequenceCount))
        #expect(reports.allSatisfy { $0.phase == "writing" && $0.total == record.sequenceCount })
    }
}
