import ArgumentParser
import Corpus
import Store

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search over raw texts (SQLite FTS5).",
        discussion: """
            QUERY uses FTS5 syntax: words (all must match), "exact phrases", OR, NOT, prefix*, \
            NEAR(a b, 5). Results are ranked by BM25; matches are marked [like this] in the snippet.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The FTS5 query.")
    var query: String

    @Option(help: "At most this many results.")
    var limit = 20

    @Option(help: "Output: table or jsonl.")
    var format: OutputFormat = .table

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        SearchHit.print(try store.read { db in try CorpusRepository.search(query, limit: limit, in: db) }, format: format)
    }
}
