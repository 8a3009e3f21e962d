import GRDB

/// Runs one SQL statement against a read-only store and streams its rows, for `ipt sql` and
/// `ipt query`. Values arrive as `DatabaseValue`s so callers format them as they like.
///
///     let store = try Store.open(path: "instructpt.db", mode: .readOnly)
///     try ReadOnlyQuery.run(store: store, sql: "SELECT id, external_id FROM raw_texts",
///                           parameters: [:]) { columns in print(columns) } row: { print($0) }
public enum ReadOnlyQuery {
    public static func run(
        store: Store,
        sql: String,
        parameters: [String: String],
        columns: ([String]) throws -> Void,
        row: ([DatabaseValue]) throws -> Void
    ) throws {
        do {
            try store.read { db in
                let statement = try db.makeStatement(sql: sql)
                guard statement.isReadonly else {
                    throw StoreError.readOnlyStatement("`ipt sql` and `ipt query` only read; this statement would write")
                }
                // setArguments checks that every `:name` placeholder has a value.
                try statement.setArguments(StatementArguments(parameters.mapValues(bindable)))
                try columns(statement.columnNames)
                let cursor = try Row.fetchCursor(statement)
                while let next = try cursor.next() {
                    try row(next.databaseValues.map { $0 })
                }
            }
        } catch let error as DatabaseError {
            throw StoreError.sqlError("SQL error: \(error.message ?? "\(error)")")
        }
    }

    /// Integers bind as integers (so `LIMIT :n` works); SQLite's affinity rules still compare
    /// them correctly with text columns. Everything else binds as text.
    private static func bindable(_ value: String) -> (any DatabaseValueConvertible)? {
        if let integer = Int64(value) { return integer }
        return value
    }

    /// Parses `name=value` command-line parameters.
    public static func parameters(_ pairs: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw StoreError.invalidParameter(pair)
            }
            var name = String(pair[..<equals])
            if name.hasPrefix(":") { name.removeFirst() }
            result[name] = String(pair[pair.index(after: equals)...])
        }
        return result
    }
}
