import Foundation
import GRDB
import JSONLines
import Store

/// Reads JSONL and text files (plain or gzip) into `raw_texts`, one transaction per file:
/// a bad line rolls back its whole file unless `skipInvalid` is set, in which case bad lines
/// are skipped and reported. Texts already present (same SHA-256) are counted, not added.
///
///     var options = IngestOptions()
///     options.source = "man-pages"
///     let summary = try CorpusIngester(store: store, options: options)
///         .ingest(paths: ["man.jsonl"]) { progress in }
///     summary.textsAdded
public struct CorpusIngester {
    public let store: Store
    public let options: IngestOptions

    public init(store: Store, options: IngestOptions) {
        self.store = store
        self.options = options
    }

    /// Ingests every file under `paths`. All paths are checked before anything is written.
    public func ingest(paths: [String], progress: (IngestProgress) -> Void = { _ in }) throws -> IngestSummary {
        let (files, ignored) = try InputFile.expand(paths: paths)
        var summary = IngestSummary(ignoredFiles: ignored)
        let totalBytes = files.reduce(0) { $0 + $1.size }
        let started = Date()
        for file in files {
            let sourceName = options.source ?? defaultSourceName(for: file, paths: paths)
            let bytesBefore = summary.bytesRead
            let fileSummary = try ingest(file: file, sourceName: sourceName) { fileBytes, added in
                progress(IngestProgress(
                    bytesDone: bytesBefore + fileBytes, bytesTotal: totalBytes,
                    textsAdded: summary.textsAdded + added, elapsed: Date().timeIntervalSince(started)))
            }
            summary.files += 1
            summary.bytesRead += file.size
            summary.textsAdded += fileSummary.textsAdded
            summary.textsDuplicate += fileSummary.textsDuplicate
            summary.skipped += fileSummary.skipped
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The argument a file came from, named without its extensions ("data/man.jsonl.gz" → "man").
    private func defaultSourceName(for file: InputFile, paths: [String]) -> String {
        let argument = paths.first { file.path == $0 || file.path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") } ?? file.path
        var name = ((argument as NSString).standardizingPath as NSString).lastPathComponent
        for suffix in [".gz", ".jsonl", ".ndjson", ".txt"] where name.lowercased().hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name.isEmpty ? "default" : name
    }

    private struct FileSummary {
        var textsAdded = 0
        var textsDuplicate = 0
        var skipped: [SkippedInput] = []

        mutating func count(added: Bool) {
            if added { textsAdded += 1 } else { textsDuplicate += 1 }
        }
    }

    private func ingest(file: InputFile, sourceName: String, progress: (Int, Int) -> Void) throws -> FileSummary {
        // Start parsing before the write transaction so the first batch is ready sooner.
        let batches = file.format == .jsonl ? JSONLinesProducer.start(file: file, options: options) : nil
        defer { batches?.cancel() }
        return try store.write { db in
            let source = try CorpusRepository.source(named: sourceName, in: db)
            var record = Ingest(
                id: nil, sourceId: source.id, path: file.path, format: file.format, split: options.split,
                bytesRead: 0, textsAdded: 0, textsDuplicate: 0, linesSkipped: 0)
            try CorpusRepository.insertIngest(&record, in: db)
            var summary = FileSummary()
            let insert = { (text: PreparedText) throws -> Bool in
                try CorpusRepository.insertRawText(text, sourceId: source.id, ingestId: record.id, split: options.split, in: db)
            }
            if let batches {
                while true {
                    let batch = batches.pop()
                    for text in batch.texts { summary.count(added: try insert(text)) }
                    summary.skipped += batch.skipped
                    record.bytesRead = batch.bytesRead
                    if let error = batch.error { throw error }
                    progress(batch.bytesRead, summary.textsAdded)
                    if batch.isLast { break }
                }
            } else {
                let reader = try CompressedFileReader(path: file.path)
                try readDocument(reader: reader, file: file, summary: &summary, insert: insert)
                record.bytesRead = reader.compressedOffset
            }
            record.textsAdded = summary.textsAdded
            record.textsDuplicate = summary.textsDuplicate
            record.linesSkipped = summary.skipped.count
            try CorpusRepository.updateIngest(record, in: db)
            return summary
        }
    }

    private func readDocument(
        reader: CompressedFileReader, file: InputFile, summary: inout FileSummary, insert: (PreparedText) throws -> Bool
    ) throws {
        let bytes = try reader.readAll()
        let problem: String?
        var text = ""
        if let decoded = String(validating: bytes, as: UTF8.self) {
            text = decoded
            if isBlank(decoded) {
                problem = "the document is empty"
            } else if let nul = bytes.firstIndex(of: 0) {
                problem = "line \(lineNumber(at: nul, in: bytes)): a NUL byte, which SQLite text cannot hold"
            } else {
                problem = nil
            }
        } else {
            let offset = bytes.withUnsafeBufferPointer { firstInvalidUTF8Offset($0) }
            problem = "line \(lineNumber(at: offset, in: bytes)): invalid UTF-8 (byte offset \(offset))"
        }
        if let problem {
            guard options.skipInvalid else { throw IngestError.invalidDocument(path: file.path, message: problem) }
            summary.skipped.append(SkippedInput(path: file.path, line: nil, message: problem))
            return
        }
        summary.count(added: try insert(PreparedText(text: text, externalId: file.documentName)))
    }

    /// The 1-based line that byte `offset` falls on.
    private func lineNumber(at offset: Int, in bytes: [UInt8]) -> Int {
        bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }
}

/// Options of `ipt ingest`.
public struct IngestOptions: Sendable {
    /// Field holding the text in JSONL objects.
    public var textField = "text"
    /// Field holding the document's own id in JSONL objects (string or number; optional).
    public var idField = "id"
    /// Source name for every file; nil names each argument after its file or directory.
    public var source: String?
    public var split: Split = .train
    /// Skip and report bad lines (or files) instead of rolling back the file.
    public var skipInvalid = false

    public init() {}
}

/// Where an ingest is, for the progress bar.
public struct IngestProgress: Sendable {
    public var bytesDone: Int
    public var bytesTotal: Int
    public var textsAdded: Int
    public var elapsed: TimeInterval
}

/// A line (or a whole text file, `line == nil`) skipped by `--skip-invalid`.
public struct SkippedInput: Sendable, Equatable {
    public var path: String
    public var line: Int?
    public var message: String
}

/// What an ingest did.
public struct IngestSummary: Sendable {
    public var files = 0
    public var bytesRead = 0
    public var textsAdded = 0
    public var textsDuplicate = 0
    public var skipped: [SkippedInput] = []
    public var ignoredFiles: [String]
    public var seconds: Double = 0

    public init(ignoredFiles: [String] = []) {
        self.ignoredFiles = ignoredFiles
    }
}

extension IngestSummary {
    /// One line per skipped line or ignored file, for standard error.
    public var warnings: [String] {
        skipped.map { skipped in "skipped \(skipped.line.map { "line \($0) of \(skipped.path)" } ?? skipped.path): \(skipped.message)" }
            + ignoredFiles.map { "ignored \($0): not .jsonl or .txt (optionally .gz)" }
    }

    /// What the ingest did, in one line.
    public var description: String {
        String(format: "ingested %d file(s), %.1f MB in %.2f s: %d texts added, %d duplicates skipped, %d invalid skipped",
               files, Double(bytesRead) / 1e6, seconds, textsAdded, textsDuplicate, skipped.count)
    }
}
