import ArgumentParser
import Corpus
import JSONLines
import Store

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the database holds: rows per table, texts per source and split.")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let tables = try store.tableCounts()
        let sources = try store.read { db in try CorpusRepository.sourceStats(in: db) }
        let rawTexts = tables.first { $0.table == "raw_texts" }?.rows ?? 0
        let totalChars = sources.reduce(0) { $0 + $1.chars }
        if json {
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
            print(String(decoding: out.bytes, as: UTF8.self))
            return
        }
        print("database \(store.path): \(rawTexts) raw texts, \(totalChars) characters\n")
        var tableRows = TextTable(columns: ["table", "rows"])
        for entry in tables { tableRows.append([entry.table, String(entry.rows)]) }
        print(tableRows.render())
        if !sources.isEmpty {
            var sourceRows = TextTable(columns: ["source", "split", "texts", "chars", "bytes"])
            for s in sources {
                sourceRows.append([s.source, s.split.rawValue, String(s.texts), String(s.chars), String(s.bytes)])
            }
            print("")
            print(sourceRows.render())
        }
    }
}
