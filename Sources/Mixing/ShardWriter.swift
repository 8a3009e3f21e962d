import Crypto
import Foundation
import Store

/// Writes a snapshot's packed sequences into shard files as they are produced: at most
/// `sequencesPerShard` sequences per shard, each shard a Megatron indexed dataset (`.bin` of
/// uint16/int32 tokens + `.idx`, one document per sequence) written atomically and named by
/// the `.bin`'s SHA-256. Memory stays at one write buffer whatever the snapshot's size.
/// `tokensSHA256` is the SHA-256 of the whole stream as little-endian int32 — the same value
/// the in-database token blobs were hashed with — whatever width the shards store.
///
///     let writer = try ShardWriter(store: shards, dtype: .uint16, sequenceLength: 256)
///     try writer.write(sequence)            // 256 tokens, any number of times
///     let result = try writer.finish()      // shards, token count, tokensSHA256
public final class ShardWriter {
    public struct Result: Equatable, Sendable {
        public var shards: [TokenShard]
        public var tokenCount: Int
        public var tokensSHA256: String
    }

    public let store: ShardStore
    public let dtype: TokenShard.DType
    public let sequenceLength: Int
    public let sequencesPerShard: Int
    private var sink: AtomicFileSink?
    private var sequencesInShard = 0
    private var shardFirstToken = 0
    private var tokenCount = 0
    private var shards: [TokenShard] = []
    /// Shard files this writer put in place (for `abandon`).
    private(set) var createdPaths: [String] = []
    private var streamHasher = SHA256()
    private var narrow: [UInt16] = []

    /// Shards closed so far (the one being written is not counted until it is full or finished).
    public var shardsWritten: Int { shards.count }

    /// Default shard size: 2^27 tokens (256 MiB of uint16), rounded down to whole sequences.
    public static let defaultShardTokens = 1 << 27

    public init(store: ShardStore, dtype: TokenShard.DType, sequenceLength: Int, shardTokens: Int = ShardWriter.defaultShardTokens) throws {
        guard sequenceLength >= 1, shardTokens >= 1 else {
            throw MixingError.writeFailed(path: store.directory, reason: "sequence length \(sequenceLength) and shard size \(shardTokens) must be positive")
        }
        self.store = store
        self.dtype = dtype
        self.sequenceLength = sequenceLength
        sequencesPerShard = max(1, shardTokens / sequenceLength)
        narrow.reserveCapacity(sequenceLength)
    }

    deinit { sink?.abandon() }

    /// Appends one packed sequence (exactly `sequenceLength` tokens).
    public func write(_ sequence: ArraySlice<Int32>) throws {
        precondition(sequence.count == sequenceLength, "a packed sequence has sequenceLength tokens")
        if sink == nil { sink = try AtomicFileSink(temporaryPath: store.temporaryPath("shard")) }
        guard let sink else { return }
        try sequence.withUnsafeBytes { raw in
            // Int32 arrays are little-endian on every platform Swift runs this on (x86-64, arm64).
            streamHasher.update(bufferPointer: raw)
            if dtype == .int32 { try sink.append(raw) }
        }
        if dtype == .uint16 {
            narrow.removeAll(keepingCapacity: true)
            for id in sequence { narrow.append(UInt16(truncatingIfNeeded: id).littleEndian) }
            try narrow.withUnsafeBytes { raw in try sink.append(raw) }
        }
        sequencesInShard += 1
        tokenCount += sequenceLength
        if sequencesInShard == sequencesPerShard { try closeShard() }
    }

    private func closeShard() throws {
        guard let sink, sequencesInShard > 0 else { return }
        self.sink = nil
        let (dtype, length) = (self.dtype, sequenceLength)
        let (sha, binPath) = try sink.commit { sha in store.directory + "/" + TokenShard.stem(sha256: sha, dtype: dtype, sequenceLength: length) + ".bin" }
        createdPaths.append(binPath)
        let stem = TokenShard.stem(sha256: sha, dtype: dtype, sequenceLength: length)
        let index = try AtomicFileSink(temporaryPath: store.temporaryPath("index"))
        try MegatronIndex.write(sequenceCount: sequencesInShard, sequenceLength: length, dtype: dtype, to: index)
        let indexPath = try index.commit { _ in store.directory + "/" + stem + ".idx" }.path
        createdPaths.append(indexPath)
        shards.append(TokenShard(position: shards.count, prefix: store.recordedPrefix(stem: stem), byteCount: sink.byteCount,
                                 firstToken: shardFirstToken, tokenCount: sequencesInShard * length, sha256: sha, dtype: dtype))
        shardFirstToken = tokenCount
        sequencesInShard = 0
    }

    /// Closes the last shard; returns every shard, the token count and the stream's hash.
    public func finish() throws -> Result {
        try closeShard()
        return Result(shards: shards, tokenCount: tokenCount, tokensSHA256: Hex.string(streamHasher.finalize()))
    }

    /// Deletes the temporary file of the shard being written. Finished shards are the caller's
    /// to remove (`createdPaths`): another snapshot may hold the same content.
    public func abandon() {
        sink?.abandon()
        sink = nil
    }
}
