import ArgumentParser
import GRDB
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

    @Option(help: "Output format (jsonl).")
    var format = "jsonl"

    @Option(help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var out: String?

    func validate() throws {
        guard format == "jsonl" else { throw ValidationError("--format: only jsonl is supported for pairs") }
    }

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let output = try LineWriter(path: out)
        var count = 0
        try store.read { db in
            try SynthesisRepository.forEachPair(run: runId, in: db) { row in
                var line = JSONWriter()
                line.object { o in
                    for column in ["pair_id", "request_id", "raw_text_id", "round", "chain", "position"] {
                        o.member(column) { $0.integer(row[column] as Int64) }
                    }
                    for column in ["external_id", "kind", "question", "answer", "stem", "chain_of_thought", "final_answer"] {
                        o.member(column) { json in if let text: String = row[column] { json.string(text) } else { json.null() } }
                    }
                    o.member("options") { json in
                        if let text: String = row["options"], let value = try? JSONParser.parse(text) { json.value(value) } else { json.null() }
                    }
                }
                try output.write(line: line.bytes)
                count += 1
            }
        }
        try output.close()
        if let out { printError("exported \(count) pairs to \(out)") }
    }
}
