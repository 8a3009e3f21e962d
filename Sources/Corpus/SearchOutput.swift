import Store

extension SearchHit {
    /// Prints `ipt search`'s results to standard output: an aligned table (the snippet on one
    /// line) with a count, or JSONL / CSV rows that also give the split.
    ///
    ///     SearchHit.print(try store.read { db in try CorpusRepository.search("signal", limit: 5, in: db) }, format: .table)
    public static func print(_ hits: [SearchHit], format: OutputFormat) {
        switch format {
        case .table:
            var table = TextTable(columns: ["id", "external_id", "source", "snippet"])
            for hit in hits {
                table.append([String(hit.id), hit.externalId ?? "", hit.source, oneLine(hit.snippet)])
            }
            Swift.print(table.render())
            Swift.print("\(hits.count) result(s)")
        case .jsonl, .csv:
            var rows = RowPrinter(format: format, columns: ["id", "external_id", "source", "split", "snippet"])
            for hit in hits {
                rows.print([.integer(hit.id), hit.externalId.map(Cell.text) ?? .null, .text(hit.source),
                            .text(hit.split.rawValue), .text(hit.snippet)])
            }
            rows.finish()
        }
    }
}
