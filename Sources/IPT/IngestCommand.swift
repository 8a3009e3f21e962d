import ArgumentParser
import Corpus
import Foundation
import ProgressReporting
import Store

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add raw texts from JSONL files, text files or directories (gzip too).",
        discussion: """
            FILE.jsonl: one JSON object per line, the text in --text-field, an optional id in \
            --id-field. FILE.txt: one document per file (its id is the file name). Directories \
            are read recursively in name order. Any of these may be gzip-compressed (.gz).

            Texts are de-duplicated by SHA-256: a text already in the database is counted, not \
            added again. Each file is one transaction: a bad line (malformed JSON, missing or \
            non-string text, invalid UTF-8, empty text) stops the command and that file changes \
            nothing, unless --skip-invalid skips and reports bad lines instead.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Files or directories to ingest.", valueName: "file-or-dir"))
    var paths: [String]

    @Option(help: "JSONL field holding the text.")
    var textField = "text"

    @Option(help: "JSONL field holding the document's own id (string or number; optional).")
    var idField = "id"

    @Option(help: "Source name for these texts (default: each argument's file or directory name, without extensions).")
    var source: String?

    @Option(help: "Split the texts belong to: train or heldout.")
    var split: Split = .train

    @Flag(help: "Skip and report bad lines instead of rolling back their file.")
    var skipInvalid = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if let source, source.isEmpty { throw ValidationError("--source must not be empty") }
        if textField.isEmpty { throw ValidationError("--text-field must not be empty") }
    }

    func run() throws {
        var options = IngestOptions()
        options.textField = textField
        options.idField = idField
        options.source = source
        options.split = split
        options.skipInvalid = skipInvalid
        // Check every path before the database is even created.
        _ = try InputFile.expand(paths: paths)
        let store = try Store.open(path: database.db)
        let summary = try progress.showing("ingest") { onProgress in
            try CorpusIngester(store: store, options: options).ingest(paths: paths) { progress in
                onProgress(StageProgress(phase: "", done: progress.bytesDone, total: progress.bytesTotal, unit: .bytes,
                                    detail: "\(progress.textsAdded) texts added"))
            }
        }
        summary.warnings.forEach(printError)
        print(summary.description)
    }
}

extension Split: ExpressibleByArgument {}
