import JSONLines

extension CorpusRepository {
    /// What `ipt stats --json` prints: rows per table and texts per source and split.
    ///
    ///     print(CorpusRepository.statsJSON(tables: try store.tableCounts(), sources: try store.read(CorpusRepository.sourceStats)))
    public static func statsJSON(tables: [(table: String, rows: Int)], sources: [SourceStats]) -> String {
        let rawTexts = tables.first { $0.table == "raw_texts" }?.rows ?? 0
        let totalChars = sources.reduce(0) { $0 + $1.chars }
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
}
