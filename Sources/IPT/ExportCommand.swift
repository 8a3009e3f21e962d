import ArgumentParser
import Corpus
import JSONLines
import Store

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write what the database holds to files other tools read.",
        subcommands: [ExportRawCommand.self, ExportPairsCommand.self, ExportAugmentedCommand.self])
}

struct ExportRawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raw",
        abstract: "Export raw texts as JSONL: {\"id\": external id or internal id, \"text\": ...} per line.",
        discussion: "Texts come out byte-for-byte as ingested, in id (ingest) order. --out writes atomically.")

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var output: ExportOptions

    @Option(help: "Only texts of this source.")
    var source: String?

    @Option(help: "Only texts of this split: train or heldout.")
    var split: Split?

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        try output.write("raw texts") { lines in try RawTextExport.jsonl(store: store, source: source, split: split, to: lines) }
    }
}

/// `--format` and `--out`, as every `ipt export` command takes them.
struct ExportOptions: ParsableArguments {
    @Option(help: "Output format (jsonl).")
    var format: ExportFormat = .jsonl

    @Option(help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var out: String?

    /// Writes the lines `export` produces to --out and, for a file, says how many `what` went there.
    func write(_ what: String, _ export: (LineWriter) throws -> Int) throws {
        let lines = try LineWriter(path: out)
        let count = try export(lines)
        try lines.close()
        if let out { printError("exported \(count) \(what) to \(out)") }
    }
}

/// The formats `ipt export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl
}
