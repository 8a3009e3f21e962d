import ArgumentParser
import JSONLines
import Store
import Synthesis

struct ExportPairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Export a run's instruction-response pairs as JSONL, one pair per line with its provenance.",
        discussion: """
            Fields: pair_id, request_id, raw_text_id, external_id, round, chain, position, kind \
            (plain, options, cot, options_cot, unusable), question, answer, stem, options, \
            chain_of_thought, final_answer. In round, chain and output order. --out writes atomically.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "The run's id.")
    var runId: Int64

    @OptionGroup var output: ExportOptions

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        try output.write("pairs") { lines in try store.read { db in try SynthesisRepository.exportPairs(run: runId, to: lines, in: db) } }
    }
}
