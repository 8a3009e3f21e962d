import Foundation

/// Writes a whole file so that readers see either the old or the new content: a temporary
/// file beside the target, fsync, then rename.
///
///     try AtomicFile.write(bytes, to: "out/model.safetensors")
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(ModelError) {
        try write(to: path) { (fd: Int32) throws(ModelError) in
            let result: Result<Void, ModelError> = bytes.withUnsafeBytes { raw in Result { () throws(ModelError) in try writeAll(fd, raw, path: path) } }
            try result.get()
        }
    }

    /// Opens a temporary file, lets `body` write to its descriptor, then syncs and renames it.
    static func write(to path: String, _ body: (Int32) throws(ModelError) -> Void) throws(ModelError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        do throws(ModelError) {
            try body(fd)
            if fsync(fd) != 0 { throw ModelError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed(path: path, reason: reason)
        }
    }

    static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer, path: String) throws(ModelError) {
        guard var pointer = raw.baseAddress else { return }
        var remaining = raw.count
        while remaining > 0 {
            let written = Foundation.write(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            pointer += written
            remaining -= written
        }
    }
}
