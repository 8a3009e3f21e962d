import Foundation

/// A snapshot's shard files opened for reading. Training reads sequences at random through a
/// read-only memory map of each `.bin` (only the pages it touches are loaded, so memory does
/// not grow with the snapshot); verification and export stream the files in fixed-size
/// chunks instead, so a full pass does not fill the process with mapped pages.
///
///     let shards = try SnapshotShards(shards: records, sequenceLength: 256, base: "/data")
///     let first = shards.sequence(0)
///     try shards.forEachTokenChunk { chunk in … }    // the whole stream, in order
public final class SnapshotShards: @unchecked Sendable {
    public let shards: [TokenShard]
    public let sequenceLength: Int
    public let base: String
    public let sequenceCount: Int
    /// The first sequence of each shard (for the binary search in `sequence(_:)`).
    private let firstSequences: [Int]
    private var maps: [UnsafeRawBufferPointer?]

    /// Opens (and checks the sizes of) every shard; maps nothing yet.
    public init(shards: [TokenShard], sequenceLength: Int, base: String) throws {
        self.shards = shards
        self.sequenceLength = sequenceLength
        self.base = base
        var first: [Int] = []
        var expectedFirstToken = 0
        for shard in shards {
            let path = shard.binPath(relativeTo: base)
            guard shard.firstToken == expectedFirstToken, shard.tokenCount % sequenceLength == 0 else {
                throw MixingError.malformedShard(path: path, reason: "token range \(shard.firstToken)+\(shard.tokenCount) does not continue the previous shard at \(expectedFirstToken) in whole sequences of \(sequenceLength)")
            }
            var info = stat()
            guard stat(path, &info) == 0 else { throw MixingError.malformedShard(path: path, reason: "missing (\(String(cString: strerror(errno))))") }
            guard Int(info.st_size) == shard.byteCount, shard.byteCount == shard.tokenCount * shard.dtype.width else {
                throw MixingError.malformedShard(path: path, reason: "\(info.st_size) bytes on disk, recorded \(shard.byteCount) for \(shard.tokenCount) \(shard.dtype.rawValue) tokens")
            }
            first.append(expectedFirstToken / sequenceLength)
            expectedFirstToken += shard.tokenCount
        }
        firstSequences = first
        sequenceCount = expectedFirstToken / sequenceLength
        maps = Array(repeating: nil, count: shards.count)
    }

    deinit {
        for case let map? in maps { munmap(UnsafeMutableRawPointer(mutating: map.baseAddress), map.count) }
    }

    public var tokenCount: Int { sequenceCount * sequenceLength }

    private func mapped(_ index: Int) throws -> UnsafeRawBufferPointer {
        if let map = maps[index] { return map }
        let path = shards[index].binPath(relativeTo: base)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw MixingError.malformedShard(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let length = shards[index].byteCount
        guard let pointer = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), pointer != MAP_FAILED else {
            throw MixingError.malformedShard(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        let map = UnsafeRawBufferPointer(start: pointer, count: length)
        maps[index] = map
        return map
    }

    /// Maps every shard now, so that `sequence(_:)` cannot fail later.
    public func mapAll() throws {
        for index in shards.indices { _ = try mapped(index) }
    }

    /// The tokens of sequence `i` (maps its shard on first use; call `mapAll` first to be
    /// sure that cannot fail).
    public func sequence(_ i: Int) -> [Int32] {
        precondition(i >= 0 && i < sequenceCount, "sequence index in range")
        var lo = 0, hi = firstSequences.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if firstSequences[mid] <= i { lo = mid } else { hi = mid - 1 }
        }
        guard let map = try? mapped(lo) else { preconditionFailure("shard \(shards[lo].prefix) could not be mapped; call mapAll() first") }
        let offset = (i - firstSequences[lo]) * sequenceLength
        switch shards[lo].dtype {
        case .uint16:
            return (0..<sequenceLength).map { Int32(UInt16(littleEndian: map.loadUnaligned(fromByteOffset: 2 * (offset + $0), as: UInt16.self))) }
        case .int32:
            return (0..<sequenceLength).map { Int32(littleEndian: map.loadUnaligned(fromByteOffset: 4 * (offset + $0), as: Int32.self)) }
        }
    }

    /// Streams shard `index`'s `.bin` bytes in chunks of at most `chunkBytes`.
    public func forEachByteChunk(ofShard index: Int, chunkBytes: Int = 1 << 20,
                                 _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let path = shards[index].binPath(relativeTo: base)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw MixingError.malformedShard(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkBytes) }
            if n < 0 {
                if errno == EINTR { continue }
                throw MixingError.malformedShard(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            total += n
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        guard total == shards[index].byteCount else {
            throw MixingError.malformedShard(path: path, reason: "read \(total) bytes, recorded \(shards[index].byteCount)")
        }
    }

    /// Streams the whole token stream, shard after shard, as int32 chunks.
    public func forEachTokenChunk(chunkTokens: Int = 1 << 18, _ body: (UnsafeBufferPointer<Int32>) throws -> Void) throws {
        let reader = SequentialTokenReader(shards: self)
        while let chunk = try reader.next(count: chunkTokens) {
            try chunk.withUnsafeBufferPointer { try body($0) }
        }
    }
}
