import Foundation

/// Why an ingest stopped, naming the file (and line) and what to do about it.
public enum IngestError: Error, LocalizedError, Equatable {
    case unreadablePath(path: String, reason: String)
    case unknownFormat(path: String)
    case corruptFile(path: String, reason: String)
    case invalidLine(path: String, line: Int, message: String)
    case invalidDocument(path: String, message: String)
    /// A line (JSONL) or document (text) longer than `limit` bytes after decompression.
    case tooLarge(path: String, line: Int?, limit: Int)

    public var errorDescription: String? {
        switch self {
        case let .unreadablePath(path, reason):
            return "cannot read \(path): \(reason); nothing was ingested"
        case let .unknownFormat(path):
            return "cannot tell the format of \(path): name it .jsonl (one JSON object per line) or .txt (one document), optionally with .gz; nothing was ingested"
        case let .corruptFile(path, reason):
            return "\(path): \(reason); this file changed nothing in the database"
        case let .invalidLine(path, line, message):
            return "line \(line) of \(path): \(message); this file changed nothing in the database (use --skip-invalid to skip bad lines)"
        case let .tooLarge(path, line, limit):
            let what = line.map { "line \($0) of \(path) is" } ?? "\(path) is a document"
            return "\(what) longer than \(limit >> 20) MiB (decompressed): split it into smaller lines or files, or check it is not a gzip bomb; this file changed nothing in the database"
        case let .invalidDocument(path, message):
            return "\(path): \(message); this file changed nothing in the database (use --skip-invalid to skip bad files)"
        }
    }
}
