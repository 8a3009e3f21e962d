import Corpus
import Foundation
import GRDB
import JSONLines
import Store
import Synthesis
import Testing
@testable import Templating

@Suite struct TemplifyStoreTests {
    func export(_ store: Store, run: Int64, seed: Int64? = nil, in directory: URL) throws -> Data {
        let path = directory.appendingPathComponent("export-\(UUID().uuidString).jsonl").path
        let output = try LineWriter(path: path)
        try AugmentedTextExport.jsonl(store: store, run: run, seed: seed, to: output)
        try output.close()
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func chainsFollowInheritanceAndCoverEveryDoneRequest() throws {
        let (store, runId) = try makeSynthesizedStore(count: 30, in: try temporaryDirectory())
        let chains = try store.read { db in try TemplifyRepository.chains(run: runId, in: db) }
        let requests = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM synth_requests WHERE status = 'done'") }
        #expect(chains.map(\.entries.count).reduce(0, +) == requests)
        // doc N has N % 6 pairs: a round-1 entry continues its chain when its predecessor had pairs and it has pairs too.
        #expect(chains.contains { $0.entries.count == 2 })
        #expect(chains.contains { $0.entries.count == 1 })
        let inheriting = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM synth_chain_links WHERE inherits_from_previous = 1")
        }
        #expect(chains.filter { $0.entries.count == 2 }.count == inheriting)
    }

    @Test func templifyReadsChainsInBatchesWithTheSameResultAsAllAtOnce() throws {
        // More chains than one batch holds, so several batches (and a partial last one) run.
        let (store, runId) = try makeSynthesizedStore(count: Templify.batchSize * 2 + 40, in: try temporaryDirectory())
        let chains = try store.read { db in try TemplifyRepository.chains(run: runId, in: db) }
        #expect(chains.count > Templify.batchSize && chains.count % Templify.batchSize != 0)
        let summary = try Templify.run(store: store, run: runId, seed: 3)
        #expect(summary.chains == chains.count && summary.written == chains.count)
        let catalog = try store.write { db in try TemplateRepository.load(TemplateCatalog.embedded(), in: db).catalog }
        let expected = try chains.map { try TemplifyRenderer.templify($0, catalog: catalog, seed: 3).text }
        let stored = try store.read { db in try String.fetchAll(db, sql: "SELECT text FROM augmented_texts ORDER BY id") }
        #expect(stored == expected)
    }

    @Test func sameDatabaseAndSeedGiveByteIdenticalExportsAndReRunsAreIdempotent() throws {
        let directory = try temporaryDirectory()
        let (first, runA) = try makeSynthesizedStore(count: 40, in: directory, name: "a.db")
        let (second, runB) = try makeSynthesizedStore(count: 40, in: directory, name: "b.db")
        let summaryA = try Templify.run(store: first, run: runA, seed: 5)
        let summaryB = try Templify.run(store: second, run: runB, seed: 5)
        #expect(summaryA.written == summaryA.chains && summaryA.written > 0)
        #expect(summaryA.modes == summaryB.modes)
        let exportA = try export(first, run: runA, in: directory)
        #expect(exportA == (try export(second, run: runB, in: directory)))

        // Again with the same seed: nothing written, every row kept, the export unchanged.
        let again = try Templify.run(store: first, run: runA, seed: 5)
        #expect(again.written == 0 && again.kept == summaryA.chains && again.templatesAdded == 0)
        #expect(try export(first, run: runA, in: directory) == exportA)

        // --replace writes the same texts anew.
        let replaced = try Templify.run(store: first, run: runA, seed: 5, replace: true)
        #expect(replaced.replaced == summaryA.chains && replaced.written == summaryA.chains)
        let texts = { (store: Store) in try store.read { db in try String.fetchAll(db, sql: "SELECT text FROM augmented_texts ORDER BY first_request_id") } }
        #expect(try texts(first) == texts(second))

        // The default seed is the run's seed (7); another seed adds rows beside the first ones.
        let defaultSeed = try Templify.run(store: first, run: runA)
        #expect(defaultSeed.seed == 7 && defaultSeed.written == summaryA.chains)
        let count = try first.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM augmented_texts") }
        #expect(count == 2 * summaryA.chains)
        #expect(try export(first, run: runA, seed: 5, in: directory) != (try export(first, run: runA, seed: 7, in: directory)))
    }

    @Test func exportLinesCarryTheDocumentedFields() throws {
        let directory = try temporaryDirectory()
        let (store, runId) = try makeSynthesizedStore(count: 12, in: directory)
        try Templify.run(store: store, run: runId, seed: 1)
        let data = try export(store, run: runId, in: directory)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let value = try JSONParser.parse(String(line))
            guard case let .object(members) = value else { Issue.record("not an object"); continue }
            #expect(members.map(\.key) == ["id", "text", "raw_text_ids", "mode", "template_ids", "seed"])
            #expect(value["seed"]?.intValue == 1)
            #expect((value["raw_text_ids"]?.arrayValue?.count ?? 0) >= 1)
        }
    }

    /// Rebuild from the row alone, for every mode and for inversion: templify with seeds until
    /// every mode and an inverted text have been stored, then rebuild every row.
    @Test func everyRowRebuildsByteForByteInEveryMode() throws {
        let (store, runId) = try makeSynthesizedStore(count: 60, in: try temporaryDirectory())
        var seen: Set<String> = []
        var inverted = false
        var seed: Int64 = 100
        while (seen.count < ComprehensionMode.allCases.count || !inverted) && seed < 400 {
            let summary = try Templify.run(store: store, run: runId, seed: seed)
            seen.formUnion(summary.modes.keys)
            inverted = inverted || summary.inverted > 0
            seed += 1
        }
        #expect(seen == Set(ComprehensionMode.allCases.map(\.rawValue)))
        #expect(inverted)
        let rows = try store.read { db in try AugmentedText.fetchAll(db) }
        var rebuiltModes: Set<String> = []
        for row in rows {
            let rebuilt = try store.read { db in try TemplifyRepository.rebuild(row, in: db) }
            #expect(rebuilt.text == row.text, "row \(row.id)")
            #expect(TemplifyRepository.textHash(rebuilt.text) == row.sha256)
            #expect(rebuilt.templateIds == row.templateIdList)
            #expect(rebuilt.pairIds == row.pairIdList)
            if rebuilt.text == row.text { rebuiltModes.insert(row.mode) }
        }
        #expect(rebuiltModes == Set(ComprehensionMode.allCases.map(\.rawValue)))
        #expect(rows.contains { $0.inverted })
        // Raw-text links mirror raw_text_ids.
        let links = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT augmented_text_id, raw_text_id FROM augmented_text_raw_texts ORDER BY augmented_text_id, position")
        }
        #expect(links.count == rows.map { $0.rawTextIdList?.count ?? 0 }.reduce(0, +))
    }

    @Test func rebuildNoticesAChangedPairAndTemplifyRefusesAChangedCatalog() throws {
        let (store, runId) = try makeSynthesizedStore(count: 20, in: try temporaryDirectory())
        try Templify.run(store: store, run: runId, seed: 3)
        let row = try #require(try store.read { db in
            try AugmentedText.fetchOne(db, sql: "SELECT * FROM augmented_texts WHERE pair_ids != '[]' ORDER BY id LIMIT 1")
        })
        let pairId = try #require(row.pairIdList?.first)
        try store.write { db in
            try db.execute(sql: "UPDATE instruction_pairs SET question = question || ' (edited)' WHERE id = ?", arguments: [pairId])
        }
        #expect(try store.read { db in try TemplifyRepository.rebuild(row, in: db) }.text != row.text)

        // A catalog whose wording changed under a new version renders other texts: a re-run
        // with the same seed refuses, --replace rewrites.
        let files = catalogFiles.map { file -> (name: String, contents: String) in
            guard file.name == "text_end.json" || file.name == "chain_separator.json" else { return file }
            return (file.name, file.contents.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
                .replacingOccurrences(of: "\\n\\n", with: "\\n \\n"))
        }
        let changed = try TemplateCatalog.parse(files: files)
        #expect(throws: TemplateError.self) { try Templify.run(store: store, run: runId, seed: 3, catalog: changed) }
        let replaced = try Templify.run(store: store, run: runId, seed: 3, replace: true, catalog: changed)
        #expect(replaced.written == replaced.chains && replaced.templatesAdded > 0)
        // Texts made with version 1 wording and with version 2 wording coexist in `templates`.
        let versions = try store.read { db in try Int.fetchAll(db, sql: "SELECT DISTINCT version FROM templates ORDER BY version") }
        #expect(versions == [1, 2])
    }

    @Test func aTemplateChangedWithoutANewVersionIsRefused() throws {
        let (store, _) = try makeSynthesizedStore(count: 3, in: try temporaryDirectory())
        let loaded = try store.write { db in try TemplateRepository.load(TemplateCatalog.embedded(), in: db) }
        #expect(loaded.added == loaded.catalog.all.count)
        let reloaded = try store.write { db in try TemplateRepository.load(TemplateCatalog.embedded(), in: db) }
        #expect(reloaded.added == 0 && reloaded.catalog.all.map(\.id) == loaded.catalog.all.map(\.id))
        let files = catalogFiles.map { file -> (name: String, contents: String) in
            file.name == "text_start.json" ? (file.name, file.contents.replacingOccurrences(of: "Article:", with: "Article —")) : file
        }
        #expect(throws: TemplateError.changedWithoutNewVersion(family: "text_start", template: "article", version: 1)) {
            try store.write { db in try TemplateRepository.load(try TemplateCatalog.parse(files: files), in: db) }
        }
    }

    @Test func anUnfinishedRunIsRefused() throws {
        let directory = try temporaryDirectory()
        let store = try Store.open(path: directory.appendingPathComponent("open.db").path)
        try store.write { db in
            let source = try Corpus.CorpusRepository.source(named: "test", in: db)
            _ = try Corpus.CorpusRepository.insertRawText(text: "doc 1", externalId: nil, sourceId: source.id, ingestId: nil, split: .train, in: db)
        }
        let runId = try store.write { db in
            try SynthesisRepository.createRun(SynthRunSetup(backend: .miner, backendReference: "miner", rounds: 1,
                                                            limits: ChainLimits(maxModelLength: 4096, maxNewTokens: 400)), in: db)
        }
        #expect(throws: TemplateError.unfinishedRun(run: runId, open: 1)) { try Templify.run(store: store, run: runId) }
    }
}
