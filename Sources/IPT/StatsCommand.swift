import ArgumentParser
import Corpus
import Store

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the database holds: rows per table, texts per source and split.")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let tables = try store.tableCounts()
        let sources = try store.read { db in try CorpusRepository.sourceStats(in: db) }
        let rawTexts = tables.first { $0.table == "raw_texts" }?.rows ?? 0
        let totalChars = sources.reduce(0) { $0 + $1.chars }
        if json {
            print(CorpusRepository.statsJSON(tables: tables, sources: sources))
            return
        }
        print("database \(store.path): \(rawTexts) raw texts, \(totalChars) characters\n")
        var tableRows = TextTable(columns: ["table", "rows"])
        for entry in tables { tableRows.append([entry.table, String(entry.rows)]) }
        print(tableRows.render())
        if !sources.isEmpty {
            var sourceRows = TextTable(columns: ["source", "split", "texts", "chars", "bytes"])
            for s in sources {
                sourceRows.append([s.source, s.split.rawValue, String(s.texts), String(s.chars), String(s.bytes)])
            }
            print("")
            print(sourceRows.render())
        }
    }
}
