import ArgumentParser
import JSONLines
import Store
import Templating

struct ExportAugmentedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augmented",
        abstract: "Export a run's instruction-augmented texts as JSONL.",
        discussion: """
            One line per text: {"id", "text", "raw_text_ids", "mode", "template_ids", "seed"}, in id \
            order. The same database and seed give the same bytes. --out writes atomically.
            Example: ipt export augmented --run 1 --format jsonl --out augmented.jsonl
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "The synthesis run's id.")
    var runId: Int64

    @Option(help: "Only texts templified with this seed (default: all seeds).")
    var seed: Int64?

    @Option(help: "Output format (jsonl).")
    var format = "jsonl"

    @Option(help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var out: String?

    func validate() throws {
        guard format == "jsonl" else { throw ValidationError("--format: only jsonl is supported for augmented texts") }
    }

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let output = try LineWriter(path: out)
        let count = try AugmentedTextExport.jsonl(store: store, run: runId, seed: seed, to: output)
        try output.close()
        if let out { printError("exported \(count) augmented texts to \(out)") }
    }
}
