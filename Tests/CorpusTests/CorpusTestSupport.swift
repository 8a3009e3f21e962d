import Corpus
import Foundation
import GRDB
import JSONLines
import Store

/// A scratch directory with a fresh database for one test.
struct Scratch {
    let directory: URL
    let store: Store

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-corpus-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store.open(path: directory.appendingPathComponent("test.db").path)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// JSONL lines `{"id": "doc-i", "text": texts[i]}`.
    @discardableResult
    func writeJSONL(_ name: String, texts: [String]) throws -> String {
        var lines: [UInt8] = []
        for (index, text) in texts.enumerated() {
            var line = JSONWriter()
            line.object { o in
                o.member("id") { $0.string("doc-\(index)") }
                o.member("text") { $0.string(text) }
            }
            lines += line.bytes + [0x0A]
        }
        return try write(name, lines)
    }

    func ingest(_ paths: [String], configure: (inout IngestOptions) -> Void = { _ in }) throws -> IngestSummary {
        var options = IngestOptions()
        configure(&options)
        return try CorpusIngester(store: store, options: options).ingest(paths: paths)
    }

    /// Everything the corpus tables hold, to prove a failed ingest changed nothing.
    func fingerprint() throws -> [String] {
        try store.read { db in
            var rows: [String] = []
            for table in ["sources", "ingests", "raw_texts"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id") { rows.append("\(table) \(row)") }
            }
            rows.append("fts \(try Int.fetchOne(db, sql: "SELECT count(*) FROM raw_texts_fts") ?? -1)")
            return rows
        }
    }

    func rawTexts() throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT text FROM raw_texts ORDER BY id") }
    }

    func exportJSONL(source: String? = nil, split: Split? = nil) throws -> [JSONValue] {
        let out = path("export-\(UUID().uuidString).jsonl")
        let writer = try LineWriter(path: out)
        try RawTextExport.jsonl(store: store, source: source, split: split, to: writer)
        try writer.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        return try data.split(separator: 0x0A).map { try JSONParser.parse(line: Array($0)) }
    }
}

/// gzip-compresses bytes with the system's gzip, as a user's file would be.
func gzip(_ path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-f", path]
    try process.run()
    process.waitUntilExit()
}
