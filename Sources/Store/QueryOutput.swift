import Foundation

/// How `ipt sql` and `ipt query` print rows.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, jsonl, csv
}

/// Runs a read-only statement and prints its rows in the chosen format: an aligned table with
/// a row count, or JSONL / CSV streamed as the rows come.
public func printResults(store: Store, sql: String, parameters: [String: String], format: OutputFormat, maxWidth: Int) throws {
    var table: TextTable?
    var printer: RowPrinter?
    var count = 0
    try ReadOnlyQuery.run(store: store, sql: sql, parameters: parameters) { columns in
        if format == .table {
            table = TextTable(columns: columns, maxWidth: maxWidth)
        } else {
            printer = RowPrinter(format: format, columns: columns)
        }
    } row: { values in
        count += 1
        let cells = values.map(Cell.init)
        if table != nil {
            table?.append(cells.map { oneLine($0.display) })
        } else {
            printer?.print(cells)
        }
    }
    if let table {
        print(table.render())
        print("(\(count) row\(count == 1 ? "" : "s"))")
    }
    printer?.finish()
}
