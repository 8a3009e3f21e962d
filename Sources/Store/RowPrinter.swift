import Foundation
import GRDB
import JSONLines

/// One value of a result row, independent of where it came from.
///
///     Cell(DatabaseValue(value: 3)).display   // "3"
public enum Cell: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(i): self = .integer(i)
        case let .double(d): self = .real(d)
        case let .string(s): self = .text(s)
        case let .blob(data): self = .blob([UInt8](data))
        }
    }

    /// As shown in a table or CSV: NULL is empty, a blob is `x'…'` hex.
    public var display: String {
        switch self {
        case .null: return ""
        case let .integer(i): return String(i)
        case let .real(d): return String(d)
        case let .text(s): return s
        case let .blob(bytes): return "x'" + Hex.string(bytes) + "'"
        }
    }
}

/// Streams rows as JSONL (one object per row, keys in column order) or CSV (RFC 4180) to
/// standard output; tables are buffered by `TextTable` instead.
///
///     var printer = RowPrinter(format: .csv, columns: ["id", "text"])
///     printer.print([.integer(1), .text("hi")]); printer.finish()
public struct RowPrinter {
    let format: OutputFormat
    let columns: [String]
    private var output = FileHandleOutput()

    public init(format: OutputFormat, columns: [String]) {
        self.format = format
        self.columns = columns
        if format == .csv { output.write(columns.map(Self.csvField).joined(separator: ",")) }
    }

    public mutating func print(_ cells: [Cell]) {
        switch format {
        case .jsonl:
            var line = JSONWriter()
            line.object { o in
                for (column, cell) in zip(columns, cells) {
                    o.member(column) { json in
                        switch cell {
                        case .null: json.null()
                        case let .integer(i): json.integer(i)
                        case let .real(d): json.double(d)
                        case let .text(s): json.string(s)
                        case .blob: json.string(cell.display)
                        }
                    }
                }
            }
            output.write(line.text)
        case .csv:
            output.write(cells.map { Self.csvField($0.display) }.joined(separator: ","))
        case .table:
            output.write(cells.map(\.display).joined(separator: "\t"))
        }
    }

    public mutating func finish() {
        output.flush()
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Line-buffered standard output that flushes in large blocks.
struct FileHandleOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
