import ArgumentParser
import Corpus
import JSONLines
import Store

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write what the database holds to files other tools read.",
        subcommands: [ExportRawCommand.self, ExportPairsCommand.self])
}

struct ExportRawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raw",
        abstract: "Export raw texts as JSONL: {\"id\": external id or internal id, \"text\": ...} per line.",
        discussion: "Texts come out byte-for-byte as ingested, in id (ingest) order. --out writes atomically.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output format (jsonl).")
    var format = "jsonl"

    @Option(help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var out: String?

    @Option(help: "Only texts of this source.")
    var source: String?

    @Option(help: "Only texts of this split: train or heldout.")
    var split: Split?

    func validate() throws {
        guard format == "jsonl" else { throw ValidationError("--format: only jsonl is supported for raw texts") }
    }

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let output = try LineWriter(path: out)
        let count = try RawTextExport.jsonl(store: store, source: source, split: split, to: output)
        try output.close()
        if let out { printError("exported \(count) raw texts to \(out)") }
    }
}
