/// A commented `.sql` file of `queries/`, embedded in the binary, that users run by name with
/// `ipt query NAME`. The leading `--` comment lines are its description; `:name` placeholders
/// take `--param name=value`.
///
///     let query = try NamedQuery.named("sources")
///     print(query.summary)   // first line of the header comment
public struct NamedQuery: Sendable, Equatable {
    public var name: String
    /// The header comment, without the `-- ` markers.
    public var description: String
    public var sql: String

    public init(fileName: String, sql: String) {
        name = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : fileName
        var header: [String] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingPrefix(while: { $0 == " " })
            guard trimmed.hasPrefix("--") else { break }
            var text = trimmed.dropFirst(2)
            if text.hasPrefix(" ") { text = text.dropFirst() }
            header.append(String(text))
        }
        description = header.joined(separator: "\n")
        self.sql = sql
    }

    /// The first line of the description.
    public var summary: String {
        description.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
    }

    /// Every query shipped in this binary, sorted by name.
    public static func all() -> [NamedQuery] {
        EmbeddedQueries.files
            .filter { $0.name.hasSuffix(".sql") }
            .map { NamedQuery(fileName: $0.name, sql: $0.contents) }
            .sorted { $0.name < $1.name }
    }

    public static func named(_ name: String) throws -> NamedQuery {
        let queries = all()
        guard let query = queries.first(where: { $0.name == name }) else {
            throw StoreError.unknownQuery(name: name, known: queries.map(\.name))
        }
        return query
    }
}
