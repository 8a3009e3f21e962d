import ArgumentParser
import Corpus
import DemoWorld
import Foundation
import JSONLines
import Store

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the embedded end-to-end pipeline on a generated corpus with known facts.",
        discussion: """
            Generates a seeded synthetic world (people with a city, profession, instrument, pet, \
            birth year and favourite colour, each described in varied prose), ingests it, and \
            reports what the database holds. Everything it did stays queryable with `ipt sql`.
            """)

    @Option(name: .long, help: ArgumentHelp("The database the demo writes into.", valueName: "path"))
    var db = "./instructpt-demo.db"

    @Option(help: "Seed of the generated world.")
    var seed: UInt64 = 7

    @Option(help: "How many people the world has (default 2000, or 300 with --quick).")
    var people: Int?

    @Flag(help: "A small, fast run.")
    var quick = false

    func run() throws {
        let count = people ?? (quick ? 300 : 2000)
        print("== 1. world: \(count) people, seed \(seed)")
        let world = DemoWorld(seed: seed, people: count)
        let documents = world.documents()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpusPath = directory.appendingPathComponent("demo-world.jsonl").path
        let writer = try LineWriter(path: corpusPath)
        for document in documents {
            var line = JSONWriter()
            line.object { o in
                o.member("id") { $0.string(document.id) }
                o.member("text") { $0.string(document.text) }
            }
            try writer.write(line: line.bytes)
        }
        try writer.close()
        print("   e.g. \(documents[0].text.prefix(160))…")

        print("== 2. ingest into \(db)")
        let store = try Store.open(path: db)
        var options = IngestOptions()
        options.source = "demo-world"
        let summary = try CorpusIngester(store: store, options: options).ingest(paths: [corpusPath])
        print("   \(summary.textsAdded) texts added, \(summary.textsDuplicate) already present")

        print("== 3. what the database holds")
        for entry in try store.tableCounts() where entry.rows > 0 {
            print("   \(entry.table): \(entry.rows)")
        }
        let name = world.people[0].name
        let hits = try store.read { db in try CorpusRepository.search("\"\(name)\"", limit: 1, in: db) }
        if let hit = hits.first { print("   search \"\(name)\" → raw text \(hit.id): \(oneLine(hit.snippet))") }
        print("\nexplore: ipt stats --db \(db); ipt sql --db \(db) \"SELECT external_id, substr(text, 1, 60) FROM raw_texts LIMIT 5\"")
    }
}
