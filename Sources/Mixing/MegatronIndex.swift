import Crypto
import Store

/// Megatron-LM's MMIDIDX index (megatron/core/datasets/indexed_dataset.py) for a `.bin` of
/// equal-length sequences, one document each: magic, version 1 (u64), dtype code (u8),
/// sequence count (u64), document count + 1 (u64), sequence lengths (i32), byte offsets
/// (i64), document index (i64: the first sequence of each document, then the total).
///
///     try MegatronIndex.write(sequenceCount: 3, sequenceLength: 256, dtype: .uint16, to: sink)
enum MegatronIndex {
    /// The SHA-256 of the index `write` produces (what a shard's `.idx` must hash to).
    static func sha256(sequenceCount n: Int, sequenceLength: Int, dtype: TokenShard.DType) -> String {
        let hasher = HashingSink()
        try? write(sequenceCount: n, sequenceLength: sequenceLength, dtype: dtype, to: hasher)
        return hasher.digest()
    }

    static let magic: [UInt8] = Array("MMIDIDX".utf8) + [0, 0]
    static let headerBytes = 34

    static func byteCount(sequenceCount n: Int) -> Int { headerBytes + 4 * n + 8 * n + 8 * (n + 1) }

    /// Streams the index into `sink` (memory independent of the sequence count).
    static func write(sequenceCount n: Int, sequenceLength: Int, dtype: TokenShard.DType, to sink: some ByteSink) throws {
        try magic.withUnsafeBytes { raw in try sink.append(raw) }
        try sink.append(littleEndian: UInt64(1))
        try sink.append(littleEndian: dtype.megatronCode)
        try sink.append(littleEndian: UInt64(n))
        try sink.append(littleEndian: UInt64(n + 1))
        for _ in 0..<n { try sink.append(littleEndian: Int32(sequenceLength)) }
        let stride = Int64(sequenceLength * dtype.width)
        for s in 0..<n { try sink.append(littleEndian: Int64(s) * stride) }
        for s in 0...n { try sink.append(littleEndian: Int64(s)) }
    }
}

/// Somewhere bytes are streamed to: a file (`AtomicFileSink`) or only a hash (`HashingSink`).
protocol ByteSink: AnyObject {
    func append(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    func append<T: FixedWidthInteger>(littleEndian value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { raw in try append(raw) }
    }
}

/// A sink that only hashes what it is given.
final class HashingSink: ByteSink {
    private var hasher = SHA256()
    func append(_ bytes: UnsafeRawBufferPointer) throws { hasher.update(bufferPointer: bytes) }
    func digest() -> String { Hex.string(hasher.finalize()) }
}
