import Foundation

/// Reads a snapshot's token stream front to back through a fixed buffer, shard after shard
/// (plain `read`, no mapping, so a full pass does not keep pages resident in the process).
///
///     let reader = SequentialTokenReader(shards: shards)
///     while let sequence = try reader.next(count: shards.sequenceLength) { … }
public final class SequentialTokenReader {
    public let shards: SnapshotShards
    private var shardIndex = 0
    private var fd: Int32 = -1
    private var buffer: [UInt8]
    private var bufferStart = 0
    private var bufferEnd = 0
    private var leftInShard = 0

    public init(shards: SnapshotShards, bufferBytes: Int = 1 << 20) {
        self.shards = shards
        buffer = [UInt8](repeating: 0, count: max(bufferBytes, 4))
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The next `count` tokens as int32 (fewer only at the end of the stream), or nil at the end.
    public func next(count: Int) throws -> [Int32]? {
        var out: [Int32] = []
        out.reserveCapacity(count)
        while out.count < count {
            guard try fill() else { break }
            let width = shards.shards[shardIndex].dtype.width
            let available = (bufferEnd - bufferStart) / width
            let take = min(available, count - out.count)
            buffer.withUnsafeBytes { raw in
                for t in 0..<take {
                    let at = bufferStart + t * width
                    out.append(width == 2 ? Int32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                                          : Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                }
            }
            bufferStart += take * width
        }
        return out.isEmpty ? nil : out
    }

    /// Makes at least one whole token available in the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        while true {
            if shardIndex < shards.shards.count, bufferEnd - bufferStart >= shards.shards[shardIndex].dtype.width { return true }
            if fd >= 0 && leftInShard > 0 {
                // Keep a partial token's bytes at the front, then read more behind them.
                let keep = bufferEnd - bufferStart
                if keep > 0 { buffer.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[bufferStart..<bufferEnd])) } }
                bufferStart = 0
                bufferEnd = keep
                let want = min(buffer.count - keep, leftInShard)
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress.map { $0 + keep }, want) }
                let path = shards.shards[shardIndex].binPath(relativeTo: shards.base)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw MixingError.malformedShard(path: path, reason: String(cString: strerror(errno)))
                }
                if n == 0 { throw MixingError.malformedShard(path: path, reason: "ends \(leftInShard) bytes early") }
                bufferEnd += n
                leftInShard -= n
                continue
            }
            // This shard is used up (or none is open yet): open the next one.
            if fd >= 0 {
                close(fd)
                fd = -1
                shardIndex += 1
            }
            guard shardIndex < shards.shards.count else { return false }
            let shard = shards.shards[shardIndex]
            let path = shard.binPath(relativeTo: shards.base)
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw MixingError.malformedShard(path: path, reason: String(cString: strerror(errno))) }
            leftInShard = shard.byteCount
            bufferStart = 0
            bufferEnd = 0
        }
    }
}
