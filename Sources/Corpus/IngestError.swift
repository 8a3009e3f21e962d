import Foundation

/// Why an ingest stopped, naming the file (and line) and what to do about it.
public enum IngestError: Error, LocalizedError, Equatable {
    case unreadablePath(path: String, reason: String)
    case unknownFormat(path: String)
    case corruptFile(path: String, reason: String)
    case invalidLine(path: String, line: Int, message: String)
    case invalidDocument(path: String, message: String)

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
        case let .invalidDocument(path, message):
            return "\(path): \(message); this file changed nothing in the database (use --skip-invalid to skip bad files)"
        }
    }
}
