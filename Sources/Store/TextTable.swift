/// An aligned plain-text table, the default output of `ipt sql`, `ipt query` and `ipt search`.
/// Cells longer than `maxWidth` characters are cut with `…`.
///
///     var table = TextTable(columns: ["id", "text"])
///     table.append(["1", "hello"])
///     print(table.render())
public struct TextTable: Sendable {
    public var columns: [String]
    public var rows: [[String]] = []
    public var maxWidth = 80

    public init(columns: [String], maxWidth: Int = 80) {
        self.columns = columns
        self.maxWidth = maxWidth
    }

    public mutating func append(_ row: [String]) {
        rows.append(row.map(clip))
    }

    private func clip(_ cell: String) -> String {
        guard maxWidth > 0, cell.count > maxWidth else { return cell }
        return String(cell.prefix(maxWidth - 1)) + "…"
    }

    public func render() -> String {
        var widths = columns.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                parts.append(isLast ? cell : cell + String(repeating: " ", count: widths[index] - cell.count))
            }
            return parts.joined(separator: "  ")
        }
        var lines = [line(columns), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}

/// A table cell on one line: newlines and tabs become visible markers.
public func oneLine(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "\n", "\r\n": result += "⏎"
        case "\t": result += " "
        default: result.append(character)
        }
    }
    return result
}
