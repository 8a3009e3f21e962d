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

    @OptionGroup var output: ExportOptions

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        try output.write("augmented texts") { lines in try AugmentedTextExport.jsonl(store: store, run: runId, seed: seed, to: lines) }
    }
}
