import JSONLines
import Store

/// What `ipt stats` shows: rows per table, and texts, characters and bytes per source and split.
///
///     let stats = try CorpusStats.read(store: store)
///     print(stats.json)                          // `ipt stats --json`
///     print(stats.report(database: store.path))  // `ipt stats`
public struct CorpusStats: Sendable {
    public var tables: [(table: String, rows: Int)]
    public var sources: [SourceStats]

    public static func read(store: Store) throws -> CorpusStats {
        CorpusStats(tables: try store.tableCounts(), sources: try store.read { db in try CorpusRepository.sourceStats(in: db) })
    }

    var rawTexts: Int { tables.first { $0.table == "raw_texts" }?.rows ?? 0 }
    var totalChars: Int { sources.reduce(0) { $0 + $1.chars } }

    /// One JSON object: raw_texts, total_chars, tables, sources.
    public var json: String {
        var out = JSONWriter()
        out.object { o in
            o.member("raw_texts") { $0.integer(rawTexts) }
            o.member("total_chars") { $0.integer(totalChars) }
            o.member("tables") { json in
                json.object { t in for entry in tables { t.member(entry.table) { $0.integer(entry.rows) } } }
            }
            o.member("sources") { json in
                json.array { a in
                    for s in sources {
                        a.element { json in
                            json.object { o in
                                o.member("source") { $0.string(s.source) }
                                o.member("split") { $0.string(s.split.rawValue) }
                                o.member("texts") { $0.integer(s.texts) }
                                o.member("chars") { $0.integer(s.chars) }
                                o.member("bytes") { $0.integer(s.bytes) }
                            }
                        }
                    }
                }
            }
        }
        return out.text
    }

    /// A summary line, then a table of rows per table and, once texts exist, one of texts per
    /// source and split.
    public func report(database: String) -> String {
        var tableRows = TextTable(columns: ["table", "rows"])
        for entry in tables { tableRows.append([entry.table, String(entry.rows)]) }
        var parts = ["database \(database): \(rawTexts) raw texts, \(totalChars) characters\n", tableRows.render()]
        if !sources.isEmpty {
            var sourceRows = TextTable(columns: ["source", "split", "texts", "chars", "bytes"])
            for s in sources {
                sourceRows.append([s.source, s.split.rawValue, String(s.texts), String(s.chars), String(s.bytes)])
            }
            parts += ["", sourceRows.render()]
        }
        return parts.joined(separator: "\n")
    }
}
