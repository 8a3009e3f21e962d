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
        let stats = try CorpusStats.read(store: store)
        print(json ? stats.json : stats.report(database: store.path))
    }
}
