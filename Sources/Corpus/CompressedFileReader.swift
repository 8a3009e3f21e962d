import CZlib
import Foundation

/// Reads a file in large chunks, transparently decompressing gzip (zlib's gz* functions pass
/// plain files through unchanged), and reports how far into the file on disk it is.
///
///     let reader = try CompressedFileReader(path: "corpus.jsonl.gz")
///     while let chunk = try reader.nextChunk() { consume(chunk) }
final class CompressedFileReader {
    let path: String
    private let file: gzFile
    private var buffer: [UInt8]

    init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let file = gzopen(path, "rb") else {
            throw IngestError.unreadablePath(path: path, reason: String(cString: strerror(errno)))
        }
        gzbuffer(file, UInt32(chunkSize))
        self.path = path
        self.file = file
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        gzclose(file)
    }

    /// Bytes consumed from the file on disk so far.
    var compressedOffset: Int {
        Int(gzoffset(file))
    }

    /// The next chunk of (decompressed) bytes, or nil at the end of the file.
    func nextChunk() throws -> ArraySlice<UInt8>? {
        let count = buffer.withUnsafeMutableBytes { raw in
            gzread(file, raw.baseAddress, UInt32(raw.count))
        }
        if count < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw IngestError.corruptFile(path: path, reason: message)
        }
        if count == 0 {
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code != Z_OK && code != Z_STREAM_END {
                throw IngestError.corruptFile(path: path, reason: "truncated or corrupt gzip data")
            }
            return nil
        }
        return buffer[0..<Int(count)]
    }

    /// The whole (decompressed) file, at most `limit` bytes: a larger one (a gzip bomb, a
    /// mistaken input) stops with `tooLarge` rather than filling memory.
    func readAll(limit: Int = IngestLimits.documentBytes) throws -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try nextChunk() {
            guard all.count + chunk.count <= limit else {
                throw IngestError.tooLarge(path: path, line: nil, limit: limit)
            }
            all.append(contentsOf: chunk)
        }
        return all
    }
}
