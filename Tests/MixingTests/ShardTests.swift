import Crypto
import Foundation
import GRDB
import Store
import Testing
@testable import Mixing
import Tokenization

/// A byte tokenizer that gives an id outside its vocabulary on its `failAt`-th text (a build
/// that breaks part way, after some shards are written).
final class FailingTokenizer: TextTokenizer, @unchecked Sendable {
    let failAt: Int
    private(set) var calls = 0
    init(failAt: Int) { self.failAt = failAt }
    func encode(_ text: String) -> [Int32] {
        calls += 1
        return calls == failAt ? [9999] : ByteTokenizer().encode(text)
    }
    var bosId: Int32? { 0 }
    var eosId: Int32? { 1 }
    var vocabSize: Int { 259 }
    var name: String { "bytes" }
    var identity: String { ByteTokenizer().identity }
}

/// Every file in a directory, hidden ones included.
func filesIn(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

@Suite struct ShardTests {
    /// The snapshot computed the in-memory way from its recorded items: the reference the
    /// streamed shards must equal.
    func reference(store: Store, id: Int64, tokenizer: any TextTokenizer, packing: Packing) throws -> [Int32] {
        let items = try store.read { db in
            try MixingRepository.snapshotItems(id: id, in: db).map { item in
                MixtureItem(kind: item.kind, refId: item.refId, text: try MixingRepository.itemText(kind: item.kind, refId: item.refId, in: db) ?? "")
            }
        }
        return try Snapshot.build(items: items, tokenizer: tokenizer, packing: packing).1
    }

    @Test(arguments: [(Packing(sequenceLength: 16, bos: .document), 48), (Packing(sequenceLength: 7, bos: .sequence), 7), (Packing(sequenceLength: 32, bos: .none), 1 << 20)])
    func streamedShardsHoldExactlyTheInMemoryPackingAndItsHash(packing: Packing, shardTokens: Int) throws {
        let (store, _, runId) = try fixtureStore()
        try scratchMixture(store, runId: runId)
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: packing, seed: 3, shardTokens: shardTokens)
        let expected = try reference(store: store, id: id, tokenizer: ByteTokenizer(), packing: packing)
        let (record, shards) = try store.read { db in (try MixingRepository.snapshot(id: id, in: db), try MixingRepository.snapshotShards(id: id, in: db)) }
        #expect(try Snapshot.tokens(store: store, id: id) == expected)
        #expect(record.tokensSHA256 == Snapshot.tokensHash(expected))
        #expect(record.tokenCount == expected.count && record.sequenceCount == expected.count / packing.sequenceLength)
        let perShard = max(1, shardTokens / packing.sequenceLength) * packing.sequenceLength
        #expect(shards.count == (expected.count + perShard - 1) / perShard)
        #expect(shards.map(\.firstToken) == Array(stride(from: 0, to: expected.count, by: perShard)))
        let base = ShardStore.databaseDirectory(of: store.path)
        for shard in shards {
            // Content-addressed: the .bin's SHA-256 is recorded and names the file; uint16 for a 259-token vocabulary.
            let bin = try Data(contentsOf: URL(fileURLWithPath: shard.binPath(relativeTo: base)))
            #expect(Hex.sha256(bin) == shard.sha256)
            #expect(shard.prefix.hasPrefix("t.shards/\(shard.sha256)-uint16-"))
            #expect(bin.count == shard.byteCount && shard.dtype == .uint16)
            let dataset = try MegatronDataset(prefix: shard.resolvedPrefix(relativeTo: base))
            #expect(dataset.sequenceCount == shard.tokenCount / packing.sequenceLength)
            #expect(dataset.sequence(0) == Array(expected[shard.firstToken..<(shard.firstToken + packing.sequenceLength)]))
        }
        #expect(try Snapshot.verify(store: store, id: id, tokenizer: ByteTokenizer()) == record.manifestSHA256)
        // Mapped random access (training) agrees with the streamed read.
        let mapped = try Snapshot.shards(store: store, id: id)
        try mapped.mapAll()
        #expect((0..<mapped.sequenceCount).flatMap { mapped.sequence($0) } == expected)
    }

    @Test func theSameInputsReuseTheSameShardFiles() throws {
        let (store, _, runId) = try fixtureStore()
        try scratchMixture(store, runId: runId)
        let a = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 16), seed: 1, shardTokens: 64)
        let b = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 16), seed: 1, shardTokens: 64)
        let (shardsA, shardsB) = try store.read { db in (try MixingRepository.snapshotShards(id: a, in: db), try MixingRepository.snapshotShards(id: b, in: db)) }
        #expect(shardsA == shardsB && shardsA.count > 1)
        #expect(filesIn(ShardStore.defaultDirectory(databasePath: store.path)).count == 2 * shardsA.count)
        #expect(try Snapshot.verify(store: store, id: b, tokenizer: ByteTokenizer()) == Snapshot.verify(store: store, id: a, tokenizer: nil))
    }

    @Test func verifyCatchesAChangedMissingOrMisindexedShard() throws {
        let (store, _, runId) = try fixtureStore()
        try scratchMixture(store, runId: runId)
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 16), seed: 1, shardTokens: 64)
        let shards = try store.read { db in try MixingRepository.snapshotShards(id: id, in: db) }
        let base = ShardStore.databaseDirectory(of: store.path)
        let bin = shards[1].binPath(relativeTo: base), idx = shards[1].indexPath(relativeTo: base)
        let original = try Data(contentsOf: URL(fileURLWithPath: bin))
        var flipped = original
        flipped[5] ^= 0x01
        try flipped.write(to: URL(fileURLWithPath: bin))
        #expect(throws: MixingError.self) { try Snapshot.verify(store: store, id: id, tokenizer: nil) }
        try original.write(to: URL(fileURLWithPath: bin))
        #expect(try Snapshot.verify(store: store, id: id, tokenizer: ByteTokenizer()).count == 64)
        let index = try Data(contentsOf: URL(fileURLWithPath: idx))
        try index.prefix(index.count - 8).write(to: URL(fileURLWithPath: idx))
        #expect(throws: MixingError.self) { try Snapshot.verify(store: store, id: id, tokenizer: nil) }
        try index.write(to: URL(fileURLWithPath: idx))
        try FileManager.default.removeItem(atPath: bin)
        #expect(throws: MixingError.self) { try Snapshot.verify(store: store, id: id, tokenizer: nil) }
        #expect(throws: MixingError.self) { try Snapshot.tokens(store: store, id: id) }
    }

    @Test func aBuildThatFailsPartWayLeavesNoRowNoShardAndNoTemporaryFile() throws {
        let (store, _, runId) = try fixtureStore()
        try scratchMixture(store, runId: runId)
        let tokenizer = FailingTokenizer(failAt: 15)
        #expect(throws: MixingError.tokenOutOfRange(id: 9999, vocabSize: 259)) {
            try Snapshot.create(store: store, mixture: "scratch", tokenizer: tokenizer, packing: Packing(sequenceLength: 8), seed: 1, shardTokens: 16)
        }
        #expect(tokenizer.calls == 15)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshots") } == 0)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot_shards") } == 0)
        #expect(filesIn(ShardStore.defaultDirectory(databasePath: store.path)) == [])
        // Shards another snapshot records survive a failed build that made the same files.
        let kept = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 8), seed: 1, shardTokens: 16)
        let files = filesIn(ShardStore.defaultDirectory(databasePath: store.path))
        #expect(throws: MixingError.self) {
            try Snapshot.create(store: store, mixture: "scratch", tokenizer: FailingTokenizer(failAt: 15), packing: Packing(sequenceLength: 8), seed: 1, shardTokens: 16)
        }
        #expect(filesIn(ShardStore.defaultDirectory(databasePath: store.path)) == files)
        #expect(try Snapshot.verify(store: store, id: kept, tokenizer: ByteTokenizer()).count == 64)
    }

    @Test func temporaryFilesOfDeadWritersAreRemovedAndLiveOnesKept() throws {
        let shards = try ShardStore(databasePath: try temporaryDirectory() + "/t.db")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = shards.directory + "/.shard-abcd.tmp-\(process.processIdentifier)"
        let live = shards.directory + "/.shard-efgh.tmp-\(getpid())"
        for path in [dead, live] { try Data([1, 2]).write(to: URL(fileURLWithPath: path)) }
        #expect(shards.removeStaleTemporaries() == 1)
        #expect(filesIn(shards.directory) == [".shard-efgh.tmp-\(getpid())"])
    }

    @Test(arguments: [TokenShard.DType.uint16, .int32])
    func theSequentialReaderCrossesShardsAndSplitTokens(dtype: TokenShard.DType) throws {
        let store = try ShardStore(databasePath: try temporaryDirectory() + "/t.db")
        let writer = try ShardWriter(store: store, dtype: dtype, sequenceLength: 5, shardTokens: 10)
        let tokens: [Int32] = (0..<35).map { Int32($0 * 1021 % 60_000) }
        for s in 0..<7 { try writer.write(tokens[(s * 5)..<((s + 1) * 5)]) }
        let result = try writer.finish()
        #expect(result.shards.count == 4 && result.tokenCount == 35)
        #expect(result.tokensSHA256 == Snapshot.tokensHash(tokens))
        let shards = try SnapshotShards(shards: result.shards, sequenceLength: 5, base: store.databaseDirectory)
        // A 7-byte buffer ends inside tokens of either width.
        let reader = SequentialTokenReader(shards: shards, bufferBytes: 7)
        var read: [Int32] = []
        while let chunk = try reader.next(count: 3) { read += chunk }
        #expect(read == tokens)
    }

    @Test func snapshotsMadeBeforeShardsAreMovedOutOfTheDatabaseCheckedByHash() throws {
        // A database at schema 0009 holding two snapshots with in-database tokens, one of them corrupt.
        let path = try temporaryDirectory() + "/old.db"
        let old = try DatabaseQueue(path: path)
        let before = SchemaMigrator(migrations: try Migration.embedded().filter { $0.version < 12 })
        try old.writeWithoutTransaction { db in try before.migrate(db, path: path) }
        let tokens: [Int32] = (0..<96).map { Int32($0 % 259) }
        let blob = tokens.withUnsafeBytes { Data($0) }
        try old.write { db in
            try db.execute(sql: "INSERT INTO mixtures (name) VALUES ('m')")
            for (id, hash) in [(1, Snapshot.tokensHash(tokens)), (2, String(repeating: "0", count: 64))] {
                try db.execute(sql: """
                    INSERT INTO snapshots (id, mixture_id, tokenizer, tokenizer_sha256, vocab_size, seq_len, seed, packing_json,
                                           item_count, token_count, sequence_count, manifest_sha256, tokens, tokens_sha256)
                    VALUES (?, 1, 'bytes', 'x', 259, 16, 0, '{"bos":"document","seq_len":16}', 0, 96, 6, 'm', ?, ?)
                    """, arguments: [id, blob, hash])
            }
        }
        try old.close()
        let store = try Store.open(path: path)
        #expect(try store.read { db in try MixingRepository.legacyTokenBlobSnapshots(in: db) } == [1, 2])
        #expect(throws: MixingError.tokensInDatabase(snapshot: 1, database: path)) { try Snapshot.tokens(store: store, id: 1) }
        let shards = try ShardStore(databasePath: path)
        #expect(throws: MixingError.self) { try LegacyTokenBlobs.moveToShards(store: store, shards: shards, shardTokens: 32) }
        // Snapshot 1 moved and reads back exactly; snapshot 2's blob does not match its hash and stays.
        #expect(try store.read { db in try MixingRepository.legacyTokenBlobSnapshots(in: db) } == [2])
        #expect(try Snapshot.tokens(store: store, id: 1) == tokens)
        #expect(try store.read { db in try MixingRepository.snapshotShards(id: 1, in: db) }.count == 3)
        #expect(try store.read { db in try MixingRepository.snapshotShards(id: 2, in: db) }.isEmpty)
        #expect(try store.read { db in try MixingRepository.legacyTokenBlob(id: 2, in: db) } == blob)
        try store.write { db in try db.execute(sql: "UPDATE snapshots SET tokens_sha256 = ? WHERE id = 2", arguments: [Snapshot.tokensHash(tokens)]) }
        #expect(try LegacyTokenBlobs.moveToShards(store: store, shards: shards, shardTokens: 32) == [2])
        #expect(try Snapshot.tokens(store: store, id: 2) == tokens)
        #expect(try LegacyTokenBlobs.moveToShards(store: store, shards: shards) == [])
        // Both snapshots hold the same tokens: the same three shard files serve both.
        #expect(filesIn(shards.directory).count == 6)
    }
}
