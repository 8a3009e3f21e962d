import Corpus
import Foundation
import GRDB
import JSONLines
import Synthesis
@testable import Store
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
        let catalog = try store.write { db in try TemplateRepository.load(TemplateCatalog.embedded(), in: db).catalog }
        let expected = try chains.flatMap { try TemplifyRenderer.templify($0, catalog: catalog, seed: 3).map(\.text) }
        #expect(summary.chains == chains.count && summary.written == expected.count && summary.texts == expected.count)
        let stored = try store.read { db in try String.fetchAll(db, sql: "SELECT text FROM augmented_texts ORDER BY id") }
        #expect(stored == expected)
    }

    @Test func sameDatabaseAndSeedGiveByteIdenticalExportsAndReRunsAreIdempotent() throws {
        let directory = try temporaryDirectory()
        let (first, runA) = try makeSynthesizedStore(count: 40, in: directory, name: "a.db")
        let (second, runB) = try makeSynthesizedStore(count: 40, in: directory, name: "b.db")
        let summaryA = try Templify.run(store: first, run: runA, seed: 5)
        let summaryB = try Templify.run(store: second, run: runB, seed: 5)
        #expect(summaryA.written == summaryA.texts && summaryA.written >= summaryA.chains && summaryA.chains > 0)
        #expect(summaryA.modes == summaryB.modes)
        let exportA = try export(first, run: runA, in: directory)
        #expect(exportA == (try export(second, run: runB, in: directory)))

        // Again with the same seed: nothing written, every row kept, the export unchanged.
        let again = try Templify.run(store: first, run: runA, seed: 5)
        #expect(again.written == 0 && again.kept == summaryA.texts && again.templatesAdded == 0)
        #expect(try export(first, run: runA, in: directory) == exportA)

        // --replace writes the same texts anew.
        let replaced = try Templify.run(store: first, run: runA, seed: 5, replace: true)
        #expect(replaced.replaced == summaryA.texts && replaced.written == summaryA.texts)
        let texts = { (store: Store) in try store.read { db in try String.fetchAll(db, sql: "SELECT text FROM augmented_texts ORDER BY first_request_id, part") } }
        #expect(try texts(first) == texts(second))

        // The default seed is the run's seed (7); another seed adds rows beside the first ones.
        let defaultSeed = try Templify.run(store: first, run: runA)
        #expect(defaultSeed.seed == 7 && defaultSeed.written == defaultSeed.texts)
        let count = try first.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM augmented_texts") }
        #expect(count == summaryA.texts + defaultSeed.texts)
        #expect(try export(first, run: runA, seed: 5, in: directory) != (try export(first, run: runA, seed: 7, in: directory)))
    }

    @Test func exportLinesCarryTheDocumentedFields() throws {
        let directory = try temporaryDirectory()
        let (store, runId) = try makeSynthesizedStore(count: 12, in: directory)
        _ = try Templify.run(store: store, run: runId, seed: 1)
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

    /// Rebuild from the row alone, for every mode, inversion, the Classic frame, hidden options
    /// and raw entries: templify with seeds until each has been stored, then rebuild every row.
    @Test func everyRowRebuildsByteForByteInEveryMode() throws {
        // 84 texts in two rounds: doc 42 (only an unusable pair) is followed by doc 84 (likewise),
        // a chain of two pair-less entries, so a chain's second text (part 1) is stored too.
        let (store, runId) = try makeSynthesizedStore(count: 84, in: try temporaryDirectory())
        let everyMode = Set(ComprehensionMode.allCases.map(\.rawValue) + [ComprehensionMode.rawMode])
        var seen: Set<String> = []
        var inverted = false
        var seed: Int64 = 100
        while (seen.count < everyMode.count || !inverted) && seed < 400 {
            let summary = try Templify.run(store: store, run: runId, seed: seed)
            seen.formUnion(summary.modes.keys)
            inverted = inverted || summary.inverted > 0
            seed += 1
        }
        #expect(seen == everyMode)
        #expect(inverted)
        let rows = try store.read { db in try AugmentedText.fetchAll(db) }
        var rebuiltModes: Set<String> = []
        for row in rows {
            let rebuilt = try store.read { db in try TemplifyRepository.rebuild(row, in: db) }
            #expect(rebuilt.text == row.text, "row \(row.id)")
            #expect(Hex.sha256(rebuilt.text) == row.sha256)
            #expect(rebuilt.templateIds == row.templateIdList)
            #expect(rebuilt.pairIds == row.pairIdList)
            #expect(rebuilt.rawTextIds == row.rawTextIdList)
            if rebuilt.text == row.text { rebuiltModes.insert(row.mode) }
        }
        #expect(rebuiltModes == everyMode)
        #expect(rows.contains { $0.inverted && $0.mode == "classic" } && !rows.contains { $0.inverted && $0.mode != "classic" })
        #expect(rows.contains { $0.bareText } && rows.contains { $0.noHeader } && rows.contains { $0.hiddenOptions })
        // A raw row is its entry's raw text; a chain's rows share its first request, numbered by part.
        for row in rows where row.mode == ComprehensionMode.rawMode {
            let rawText = try store.read { db in
                try String.fetchOne(db, sql: "SELECT text FROM raw_texts WHERE id = ?", arguments: [row.rawTextIdList?.first ?? 0])
            }
            #expect(row.text == rawText && row.pairIdList == [] && row.templateIdList == [])
        }
        #expect(rows.contains { $0.part > 0 })
        // Raw-text links mirror raw_text_ids.
        let links = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT augmented_text_id, raw_text_id FROM augmented_text_raw_texts ORDER BY augmented_text_id, position")
        }
        #expect(links.count == rows.map { $0.rawTextIdList?.count ?? 0 }.reduce(0, +))
    }

    /// Every done request's raw text is in exactly one text of a seed: formatted or raw.
    @Test func everyEntryEndsUpInExactlyOneText() throws {
        let (store, runId) = try makeSynthesizedStore(count: 50, in: try temporaryDirectory())
        _ = try Templify.run(store: store, run: runId, seed: 9)
        let linked = try store.read { db in try Int64.fetchAll(db, sql: "SELECT raw_text_id FROM augmented_text_raw_texts ORDER BY raw_text_id") }
        let done = try store.read { db in
            try Int64.fetchAll(db, sql: "SELECT raw_text_id FROM synth_requests WHERE run_id = ? AND status = 'done' ORDER BY raw_text_id", arguments: [runId])
        }
        #expect(linked == done)
    }

    @Test func textBytesAndTheFirstFormattedTextAreThoseOfTheRunAndSeedAsked() throws {
        let (store, runId) = try makeSynthesizedStore(count: 30, in: try temporaryDirectory())
        _ = try Templify.run(store: store, run: runId, seed: 9)
        _ = try Templify.run(store: store, run: runId, seed: 10)
        try store.read { db in
            var texts: [Int64: [AugmentedText]] = [:]
            try TemplifyRepository.forEachText(run: runId, seed: nil, in: db) { texts[$0.seed, default: []].append($0) }
            for seed: Int64 in [9, 10] {
                let ofSeed = try #require(texts[seed])
                #expect(try TemplifyRepository.textBytes(run: runId, seed: seed, in: db) == ofSeed.map(\.text.utf8.count).reduce(0, +))
                #expect(try TemplifyRepository.firstFormattedTextId(run: runId, seed: seed, in: db)
                        == ofSeed.first(where: { $0.mode != ComprehensionMode.rawMode })?.id)
            }
            #expect(try TemplifyRepository.textBytes(run: runId, seed: nil, in: db)
                    == texts.values.joined().map(\.text.utf8.count).reduce(0, +))
            #expect(try TemplifyRepository.textBytes(run: runId, seed: 11, in: db) == 0)
        }
    }

    @Test func rebuildNoticesAChangedPairAndTemplifyRefusesAChangedCatalog() throws {
        let (store, runId) = try makeSynthesizedStore(count: 20, in: try temporaryDirectory())
        _ = try Templify.run(store: store, run: runId, seed: 3)
        let row = try #require(try store.read { db in
            try AugmentedText.fetchOne(db, sql: "SELECT * FROM augmented_texts WHERE pair_ids != '[]' ORDER BY id LIMIT 1")
        })
        let pairId = try #require(row.pairIdList?.first)
        try store.write { db in
            try db.execute(sql: "UPDATE instruction_pairs SET question = question || ' (edited)' WHERE id = ?", arguments: [pairId])
        }
        // The edit changes the text, or (an options pair whose answer no longer matches) drops the
        // pair so the row cannot be rebuilt at all.
        let rebuilt = try? store.read { db in try TemplifyRepository.rebuild(row, in: db) }
        #expect(rebuilt?.text != row.text)

        // A catalog whose wording changed under a new version renders other texts: a re-run
        // with the same seed refuses, --replace rewrites.
        let files = catalogFiles.map { file -> (name: String, contents: String) in
            guard file.name == "text_end.json" || file.name == "pair_separator.json" else { return file }
            return (file.name, file.contents.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
                .replacingOccurrences(of: "\\n\\n", with: "\\n \\n"))
        }
        let changed = try TemplateCatalog.parse(files: files)
        #expect(throws: TemplateError.self) { try Templify.run(store: store, run: runId, seed: 3, catalog: changed) }
        let replaced = try Templify.run(store: store, run: runId, seed: 3, replace: true, catalog: changed)
        #expect(replaced.written == replaced.texts && replaced.templatesAdded > 0)
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

/// Migration 0010 rebuilds `augmented_texts`: rows and raw-text links stored before it survive,
/// as part 0 with the new choices off (what the renderer did before them).
@Suite struct TemplifyMigrationTests {
    @Test func rowsAndLinksStoredBeforeMigration0010Survive() throws {
        let path = try temporaryDirectory().appendingPathComponent("old.db").path
        let all = try Migration.embedded()
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try SchemaMigrator(migrations: all.filter { $0.version < 10 }).migrate(db, path: path)
            try db.execute(sql: """
                INSERT INTO sources (id, name) VALUES (1, 'old');
                INSERT INTO raw_texts (id, source_id, text, sha256, char_count, byte_count)
                    VALUES (1, 1, 'old text', zeroblob(32), 8, 8);
                INSERT INTO synth_runs (id, backend, backend_reference, rounds, max_model_len, max_new_tokens, temperature, seed, texts_total, round_size)
                    VALUES (1, 'miner', 'miner', 1, 2048, 400, 0, 0, 1, 1);
                INSERT INTO synth_requests (id, run_id, round, position, raw_text_id, prompt, status) VALUES (1, 1, 0, 0, 1, 'p', 'done');
                INSERT INTO augmented_texts (id, run_id, first_request_id, seed, mode, inverted, template_ids, option_orders,
                                             request_ids, raw_text_ids, pair_ids, text, sha256)
                    VALUES (5, 1, 1, 3, 'dialog', 0, '[]', '[]', '[1]', '[1]', '[]', 'old augmented', zeroblob(32));
                INSERT INTO augmented_text_raw_texts (augmented_text_id, raw_text_id, position) VALUES (5, 1, 0);
                """)
        }
        try queue.close()
        let store = try Store.open(path: path)
        let row = try #require(try store.read { db in try AugmentedText.fetchOne(db, key: 5) })
        #expect(row.text == "old augmented" && row.mode == "dialog" && row.part == 0 && row.seed == 3)
        #expect(!row.bareText && !row.noHeader && !row.hiddenOptions)
        let links = try store.read { db in try Int.fetchAll(db, sql: "SELECT raw_text_id FROM augmented_text_raw_texts WHERE augmented_text_id = 5") }
        #expect(links == [1])
        // The cascade still works on the rebuilt tables.
        try store.write { db in try db.execute(sql: "DELETE FROM augmented_texts WHERE id = 5") }
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM augmented_text_raw_texts") } == 0)
    }
}
