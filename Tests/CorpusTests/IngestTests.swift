import Corpus
import Foundation
import GRDB
import JSONLines
import Store
import Testing

@Suite struct IngestTests {
    let texts = [
        "A first document.\nWith two lines.",
        "Unicode: é 中文 😀 e\u{301} \u{7} and a \"quote\" and a \\ backslash",
        "  leading and trailing white space  \n",
        "tab\tseparated\tfields",
    ]

    @Test func ingestsJSONLAndExportsTheSameTextsByteForByte() throws {
        let scratch = try Scratch()
        let file = try scratch.writeJSONL("corpus.jsonl", texts: texts)
        let summary = try scratch.ingest([file])
        #expect(summary.textsAdded == texts.count)
        #expect(summary.textsDuplicate == 0)
        let exported = try scratch.exportJSONL()
        #expect(exported.map { $0["text"]?.stringValue } == texts)
        #expect(exported.map { $0["id"]?.stringValue } == texts.indices.map { "doc-\($0)" })
        #expect(try scratch.store.integrityCheck() == ["ok"])
    }

    @Test func ingestingTheSameFileTwiceAddsNothing() throws {
        let scratch = try Scratch()
        let file = try scratch.writeJSONL("corpus.jsonl", texts: texts + [texts[0]])
        let first = try scratch.ingest([file])
        #expect(first.textsAdded == texts.count)
        #expect(first.textsDuplicate == 1)
        let before = try scratch.rawTexts()
        let second = try scratch.ingest([file])
        #expect(second.textsAdded == 0)
        #expect(second.textsDuplicate == texts.count + 1)
        #expect(try scratch.rawTexts() == before)
        #expect(try scratch.store.integrityCheck() == ["ok"])
    }

    @Test func recordsSourceSplitHashAndCounts() throws {
        let scratch = try Scratch()
        let file = try scratch.writeJSONL("corpus.jsonl", texts: ["héllo"])
        _ = try scratch.ingest([file]) { $0.source = "greetings"; $0.split = .heldout }
        let row = try scratch.store.read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.name, r.split, r.char_count, r.byte_count, r.sha256 AS hash, r.external_id
                FROM raw_texts r JOIN sources s ON s.id = r.source_id
                """)
        }
        #expect(row?["name"] == "greetings")
        #expect(row?["split"] == "heldout")
        #expect(row?["char_count"] == 5)
        #expect(row?["byte_count"] == 6)
        // sha256("héllo") in UTF-8.
        #expect(row?["hash"] == "3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179")
        #expect(row?["external_id"] == "doc-0")
    }

    @Test func defaultSourceIsTheArgumentsNameWithoutExtensions() throws {
        let scratch = try Scratch()
        let file = try scratch.writeJSONL("man-pages.jsonl", texts: ["x"])
        try gzip(file)
        _ = try scratch.ingest([file + ".gz"])
        let names = try scratch.store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sources") }
        #expect(names == ["man-pages"])
    }

    @Test func numericIdsAreKeptAsWrittenAndMissingIdsExportTheInternalId() throws {
        let scratch = try Scratch()
        let file = try scratch.write("ids.jsonl", #"{"id": 17, "text": "seventeen"}"# + "\n" + #"{"text": "no id"}"# + "\n")
        _ = try scratch.ingest([file])
        let exported = try scratch.exportJSONL()
        #expect(exported[0]["id"]?.stringValue == "17")
        #expect(exported[1]["id"]?.intValue == 2)
    }

    @Test func customTextAndIdFields() throws {
        let scratch = try Scratch()
        let file = try scratch.write("c.jsonl", #"{"key": "k1", "body": "the body", "text": 5}"# + "\n")
        _ = try scratch.ingest([file]) { $0.textField = "body"; $0.idField = "key" }
        let exported = try scratch.exportJSONL()
        #expect(exported.first?["id"]?.stringValue == "k1")
        #expect(exported.first?["text"]?.stringValue == "the body")
    }

    @Test func blankLinesAndCRLFLineEndingsAreAccepted() throws {
        let scratch = try Scratch()
        let file = try scratch.write("crlf.jsonl", "{\"text\": \"one\"}\r\n\r\n{\"text\": \"two\"}")
        let summary = try scratch.ingest([file])
        #expect(summary.textsAdded == 2)
        #expect(try scratch.rawTexts() == ["one", "two"])
    }

    @Test func readsGzipJSONLTextFilesAndDirectoriesRecursively() throws {
        let scratch = try Scratch()
        let jsonl = try scratch.writeJSONL("dir/a.jsonl", texts: ["from jsonl"])
        try gzip(jsonl)
        try scratch.write("dir/sub/b.txt", "a whole text file\nwith lines\n")
        let gzText = try scratch.write("dir/sub/c.txt", "compressed text file")
        try gzip(gzText)
        try scratch.write("dir/notes.md", "ignored")
        let summary = try scratch.ingest([scratch.path("dir")])
        #expect(summary.files == 3)
        #expect(summary.ignoredFiles == [scratch.path("dir") + "/notes.md"])
        #expect(try scratch.rawTexts() == ["from jsonl", "a whole text file\nwith lines\n", "compressed text file"])
        let ids = try scratch.store.read { db in try String.fetchAll(db, sql: "SELECT external_id FROM raw_texts ORDER BY id") }
        #expect(ids == ["doc-0", "sub/b.txt", "sub/c.txt.gz"])
    }

    @Test func fullTextSearchFindsIngestedTextsWithSnippets() throws {
        let scratch = try Scratch()
        let file = try scratch.writeJSONL("s.jsonl", texts: ["the quick brown fox", "a lazy dog sleeps", "foxes are quick"])
        _ = try scratch.ingest([file])
        let hits = try scratch.store.read { db in try CorpusRepository.search("quick", limit: 10, in: db) }
        #expect(Set(hits.map(\.id)) == [1, 3])
        #expect(hits.allSatisfy { $0.snippet.contains("[quick]") })
        let phrase = try scratch.store.read { db in try CorpusRepository.search("\"lazy dog\"", limit: 10, in: db) }
        #expect(phrase.map(\.externalId) == ["doc-1"])
        #expect(throws: CorpusError.self) {
            _ = try scratch.store.read { db in try CorpusRepository.search("\"unbalanced", limit: 10, in: db) }
        }
    }

    @Test func exportFiltersBySourceAndSplit() throws {
        let scratch = try Scratch()
        let a = try scratch.writeJSONL("a.jsonl", texts: ["a1", "a2"])
        let b = try scratch.writeJSONL("b.jsonl", texts: ["b1"])
        _ = try scratch.ingest([a])
        _ = try scratch.ingest([b]) { $0.split = .heldout }
        #expect(try scratch.exportJSONL(source: "a").map { $0["text"]?.stringValue } == ["a1", "a2"])
        #expect(try scratch.exportJSONL(split: .heldout).map { $0["text"]?.stringValue } == ["b1"])
        #expect(throws: CorpusError.unknownSource("zzz")) { _ = try scratch.exportJSONL(source: "zzz") }
    }
}
