import Crypto
import Foundation
import Store

/// Moves the token blobs of snapshots made before shards (kept in `snapshot_token_blobs` by
/// migration 0012) into shard files. Per snapshot: the blob must hash to the snapshot's
/// `tokens_sha256`; it is written into shards, the shards are read back and must hash to it
/// again; only then, in one transaction, are the shards recorded and the blob deleted. A crash
/// at any point leaves the blob in place (and at worst shard files no row records yet, which
/// the next attempt rewrites byte for byte), so running it again is always safe.
///
///     let moved = try LegacyTokenBlobs.moveToShards(store: store, shards: try ShardStore(databasePath: store.path))
public enum LegacyTokenBlobs {
    /// Moves every pending blob; returns the ids of the snapshots moved.
    @discardableResult
    public static func moveToShards(store: Store, shards: ShardStore, shardTokens: Int = ShardWriter.defaultShardTokens) throws -> [Int64] {
        let pending = try store.read { db in try MixingRepository.legacyTokenBlobSnapshots(in: db) }
        guard !pending.isEmpty else { return [] }
        shards.removeStaleTemporaries()
        for id in pending { try move(id, store: store, shards: shards, shardTokens: shardTokens) }
        return pending
    }

    static func move(_ id: Int64, store: Store, shards: ShardStore, shardTokens: Int) throws {
        let (record, blob) = try store.read { db in
            (try MixingRepository.snapshot(id: id, in: db), try MixingRepository.legacyTokenBlob(id: id, in: db) ?? Data())
        }
        let length = record.packing.sequenceLength
        guard Hex.sha256(blob) == record.tokensSHA256 else {
            throw MixingError.legacyTokensDoNotVerify(snapshot: id, reason: "the blob's SHA-256 is not tokens_sha256 \(record.tokensSHA256)")
        }
        guard blob.count == 4 * record.tokenCount, record.tokenCount % length == 0 else {
            throw MixingError.legacyTokensDoNotVerify(snapshot: id, reason: "\(blob.count) bytes for \(record.tokenCount) int32 tokens in sequences of \(length)")
        }
        let dtype = TokenShard.DType.forVocabulary(record.vocabSize)
        let writer = try ShardWriter(store: shards, dtype: dtype, sequenceLength: length, shardTokens: shardTokens)
        do {
            var sequence = [Int32](repeating: 0, count: length)
            for s in 0..<(record.tokenCount / length) {
                blob.withUnsafeBytes { raw in
                    for t in 0..<length { sequence[t] = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * (s * length + t), as: Int32.self)) }
                }
                if dtype == .uint16, let bad = sequence.first(where: { $0 < 0 || $0 > Int32(UInt16.max) }) {
                    throw MixingError.legacyTokensDoNotVerify(snapshot: id, reason: "token id \(bad) does not fit the uint16 shards of a \(record.vocabSize)-token vocabulary")
                }
                try writer.write(sequence[...])
            }
            let written = try writer.finish()
            let reopened = try SnapshotShards(shards: written.shards, sequenceLength: length, base: shards.databaseDirectory)
            var hasher = SHA256()
            try reopened.forEachTokenChunk { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            guard written.tokensSHA256 == record.tokensSHA256, Hex.string(hasher.finalize()) == record.tokensSHA256 else {
                throw MixingError.legacyTokensDoNotVerify(snapshot: id, reason: "the shards written do not read back as tokens_sha256")
            }
            try store.write { db in try MixingRepository.replaceLegacyTokenBlob(id: id, with: written.shards, in: db) }
        } catch {
            writer.abandon()
            try? Snapshot.removeUnreferenced(writer.createdPaths, store: store)
            throw error
        }
    }
}
