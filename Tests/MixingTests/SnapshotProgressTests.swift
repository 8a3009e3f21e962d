import Foundation
import ProgressReporting
import Store
import Testing
@testable import Mixing
import Tokenization

@Suite struct SnapshotProgressTests {
    /// The shards written so far, from a "tokenizing" report's detail ("N tokens packed, S shards written").
    func shardsWritten(_ report: StageProgress) -> Int? {
        let words = report.detail.split(separator: " ")
        return words.count == 6 ? Int(words[3]) : nil
    }

    @Test func createReportsEveryItemPackedTheShardsWrittenAndEveryItemStored() throws {
        let (store, _, runId) = try fixtureStore(rawCount: 10, augmentedRaw: [0, 1])
        try scratchMixture(store, runId: runId)
        var reports: [StageProgress] = []
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1,
                                     shardTokens: 64) { reports.append($0) }
        let (record, items, shards) = try store.read { db in
            (try MixingRepository.snapshot(id: id, in: db), try MixingRepository.snapshotItems(id: id, in: db),
             try MixingRepository.snapshotShards(id: id, in: db))
        }
        #expect(shards.count > 1)
        let reading = reports.filter { $0.phase == "reading" }
        #expect(reading.map(\.done) == Array(0...3) && reading.allSatisfy { $0.total == 3 })
        let tokenizing = reports.filter { $0.phase == "tokenizing" }
        // Every item as it is packed, then once more when the last shard is closed.
        #expect(tokenizing.map(\.done) == Array(0...items.count) + [items.count])
        #expect(tokenizing.allSatisfy { $0.total == items.count })
        #expect(tokenizing.last?.detail == "\(record.tokenCount) tokens packed, \(shards.count) shards written")
        // Shards are counted as they fill, while the items are still being packed.
        let written = tokenizing.compactMap(shardsWritten)
        #expect(written.count == tokenizing.count && written == written.sorted())
        #expect(written.first == 0 && written.dropLast().contains { $0 > 0 })
        let storing = reports.filter { $0.phase == "storing" }
        #expect(storing.map(\.done) == Array(0...items.count))
        #expect(reports.map(\.phase).filter { !["reading", "tokenizing", "storing"].contains($0) }.isEmpty)
    }

    @Test func verifyReportsTheShardBytesTheTokensAndEveryItem() throws {
        let (store, _, runId) = try fixtureStore(rawCount: 10, augmentedRaw: [0, 1])
        try scratchMixture(store, runId: runId)
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1,
                                     shardTokens: 64)
        let (record, items, shards) = try store.read { db in
            (try MixingRepository.snapshot(id: id, in: db), try MixingRepository.snapshotItems(id: id, in: db),
             try MixingRepository.snapshotShards(id: id, in: db))
        }
        var reports: [StageProgress] = []
        try Snapshot.verify(store: store, id: id, tokenizer: ByteTokenizer()) { reports.append($0) }
        let bytes = shards.reduce(0) { $0 + $1.byteCount }
        let checkingShards = reports.filter { $0.phase == "checking shards" }
        #expect(checkingShards.first?.done == 0 && checkingShards.last?.done == bytes)
        #expect(checkingShards.allSatisfy { $0.total == bytes && $0.unit == .bytes })
        #expect(checkingShards.map(\.done) == checkingShards.map(\.done).sorted())
        #expect(checkingShards.last?.detail == "\(shards.count) of \(shards.count) shards")
        let hashing = reports.filter { $0.phase == "hashing tokens" }
        #expect(hashing.first?.done == 0 && hashing.last?.done == record.tokenCount && hashing.allSatisfy { $0.total == record.tokenCount })
        let checkingItems = reports.filter { $0.phase == "checking items" }
        #expect(checkingItems.map(\.done) == Array(0...items.count))
        #expect(checkingItems.last?.detail == "\(record.sequenceCount) sequences re-packed and matched")

        var withoutTokenizer: [StageProgress] = []
        try Snapshot.verify(store: store, id: id, tokenizer: nil) { withoutTokenizer.append($0) }
        #expect(withoutTokenizer.filter { $0.phase == "checking items" }.allSatisfy { $0.detail.isEmpty })
    }

    /// Every format, from a snapshot of several shards (copied chunk by chunk) and of one (the
    /// Megatron export hard-links it).
    @Test(arguments: SnapshotExport.Format.allCases, [64, 1 << 20])
    func exportReportsTheSequencesWritten(format: SnapshotExport.Format, shardTokens: Int) throws {
        let (store, _, runId) = try fixtureStore(rawCount: 10, augmentedRaw: [0, 1])
        try scratchMixture(store, runId: runId)
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1,
                                     shardTokens: shardTokens)
        let record = try store.read { db in try MixingRepository.snapshot(id: id, in: db) }
        var reports: [StageProgress] = []
        try SnapshotExport.write(shards: try Snapshot.shards(store: store, id: id), snapshot: record, format: format,
                                 to: try temporaryDirectory() + "/" + format.rawValue) { reports.append($0) }
        #expect(reports.allSatisfy { $0.phase == "writing" && $0.total == record.sequenceCount })
        #expect(reports.first?.done == 0 && reports.last?.done == record.sequenceCount)
        #expect(reports.map(\.done) == reports.map(\.done).sorted())
        if format == .jsonl { #expect(reports.map(\.done) == Array(0...record.sequenceCount)) }
    }
}
