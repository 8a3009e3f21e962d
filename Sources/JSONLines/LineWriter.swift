import Foundation

/// Buffered line output to standard output or to a file. A file is written to a temporary
/// name beside it, fsynced and renamed into place by `close()`, so a crash never leaves a
/// half-written file under the real name.
///
///     let out = try LineWriter(path: "export.jsonl")   // nil path: standard output
///     try out.write(line: Array(#"{"id":1}"#.utf8))
///     try out.close()
public final class LineWriter {
    private let descriptor: Int32
    private let finalPath: String?
    private let temporaryPath: String?
    private var buffer: [UInt8] = []
    private var closed = false

    public init(path: String?) throws {
        if let path {
            let temporary = path + ".tmp-\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw LineWriterError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
            descriptor = fd
            finalPath = path
            temporaryPath = temporary
        } else {
            descriptor = STDOUT_FILENO
            finalPath = nil
            temporaryPath = nil
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        // An unclosed file was abandoned (an error happened): remove the partial temp file.
        if !closed, let temporaryPath {
            closeDescriptor(descriptor)
            unlink(temporaryPath)
        }
    }

    public func write(line: [UInt8]) throws {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func write(line: String) throws {
        try write(line: Array(line.utf8))
    }

    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw LineWriterError.writeFailed(path: finalPath ?? "standard output", reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes; for a file, fsyncs and renames it into place.
    public func close() throws {
        try flush()
        closed = true
        guard let finalPath, let temporaryPath else { return }
        guard fsync(descriptor) == 0, closeDescriptor(descriptor) == 0,
              rename(temporaryPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw LineWriterError.writeFailed(path: finalPath, reason: reason)
        }
        syncDirectory(containing: finalPath)
    }
}

@discardableResult
private func closeDescriptor(_ fd: Int32) -> Int32 {
    Foundation.close(fd)
}

/// Makes a rename durable: fsync the directory that holds the renamed file.
func syncDirectory(containing path: String) {
    let directory = (path as NSString).deletingLastPathComponent
    let fd = open(directory.isEmpty ? "." : directory, O_RDONLY)
    guard fd >= 0 else { return }
    fsync(fd)
    closeDescriptor(fd)
}

public enum LineWriterError: Error, LocalizedError, Equatable {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .cannotCreate(path, reason): return "cannot create \(path): \(reason)"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}
