import Crypto
import Foundation
import Store

/// A file written through a buffer into a hidden temporary name, hashed as it goes, then
/// fsynced and renamed into place (and the directory fsynced) — so a reader sees either no
/// file or the whole file, never part of one, even after a crash.
///
///     let sink = try AtomicFileSink(temporaryPath: "dir/.x.tmp-42")
///     try sink.append(bytes)
///     let (sha, path) = try sink.commit { sha in "dir/\(sha).bin" }
final class AtomicFileSink: ByteSink {
    let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit: Int
    private var hasher = SHA256()
    private(set) var byteCount = 0

    init(temporaryPath: String, bufferBytes: Int = 1 << 20) throws {
        self.temporaryPath = temporaryPath
        bufferLimit = bufferBytes
        buffer.reserveCapacity(bufferBytes)
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw MixingError.writeFailed(path: temporaryPath, reason: String(cString: strerror(errno))) }
    }

    deinit { abandon() }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > bufferLimit { try flush() }
        if bytes.count > bufferLimit {
            hasher.update(bufferPointer: bytes)
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        byteCount += bytes.count
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in
            hasher.update(bufferPointer: raw)
            try writeAll(raw)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        guard var p = raw.baseAddress else { return }
        var left = raw.count
        while left > 0 {
            let n = Foundation.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw MixingError.writeFailed(path: temporaryPath, reason: String(cString: strerror(errno)))
            }
            p += n
            left -= n
        }
    }

    /// Flushes, fsyncs, renames onto the path named for the content's SHA-256 (hex) and fsyncs
    /// the directory; returns the hash and the path.
    @discardableResult
    func commit(to name: (String) -> String) throws -> (sha256: String, path: String) {
        try flush()
        let sha = Hex.string(hasher.finalize())
        let path = name(sha)
        guard fsync(fd) == 0 else { throw MixingError.writeFailed(path: temporaryPath, reason: "fsync: " + String(cString: strerror(errno))) }
        close(fd)
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw MixingError.writeFailed(path: path, reason: reason)
        }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        if directory >= 0 { _ = fsync(directory); close(directory) }
        return (sha, path)
    }

    /// Closes and deletes the temporary file (nothing happens after a commit).
    func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporaryPath)
    }
}
