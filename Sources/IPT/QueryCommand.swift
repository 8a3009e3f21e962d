import ArgumentParser
import Foundation
import Store

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a named query from queries/ (read-only).",
        discussion: """
            Named queries are commented .sql files shipped inside ipt (the repository's queries/ \
            folder); `--list` shows them. Placeholders like :id take --param id=42. The same files \
            run in sqlite3: `sqlite3 instructpt.db < queries/sources.sql` (for those without parameters).
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The query's name (its file name without .sql).")
    var name: String?

    @Flag(help: "List the named queries with their descriptions.")
    var list = false

    @OptionGroup var results: ResultOptions

    func validate() throws {
        if !list && name == nil { throw ValidationError("name a query, or use --list") }
    }

    func run() throws {
        if list {
            var table = TextTable(columns: ["query", "description"], maxWidth: 0)
            for query in NamedQuery.all() {
                table.append([query.name, query.description.replacingOccurrences(of: "\n", with: " ")])
            }
            print(table.render())
            return
        }
        guard let name else { return }
        let query = try NamedQuery.named(name)
        try results.printRows(query.sql, database: database)
    }
}

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one SQL statement against the database, read-only.",
        discussion: """
            The database is opened read-only: statements that would write are refused. Example:
              ipt sql "SELECT split, count(*) FROM raw_texts GROUP BY split"
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "One SQL statement.")
    var sql: String

    @OptionGroup var results: ResultOptions

    func run() throws {
        try results.printRows(sql, database: database)
    }
}

/// What `ipt query` and `ipt sql` share: the statement's parameters and how its rows print.
struct ResultOptions: ParsableArguments {
    @Option(name: .customLong("param"), help: ArgumentHelp("A value for :name placeholders, name=value (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Option(help: "Output: table, jsonl or csv.")
    var format: OutputFormat = .table

    @Option(help: "Cut table cells longer than this many characters (0: never).")
    var maxWidth = 80

    /// Runs `sql` on the database opened read-only and prints its rows.
    func printRows(_ sql: String, database: DatabaseOptions) throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        try printResults(store: store, sql: sql, parameters: try ReadOnlyQuery.parameters(parameters), format: format, maxWidth: maxWidth)
    }
}

extension OutputFormat: ExpressibleByArgument {}
