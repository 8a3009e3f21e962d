import Foundation
import GRDB
import Store
import Synthesis

/// The only place `augmented_texts` and `augmented_text_raw_texts` are read and written; a
/// run's chains come from `SynthesisRepository`. Functions run inside the caller's transaction.
///
///     let chains = try store.read { db in try TemplifyRepository.chains(run: 1, in: db) }
///     let row = try store.read { db in try TemplifyRepository.augmentedText(id: 5, in: db) }
///     let again = try store.read { db in try TemplifyRepository.rebuild(row, in: db) }   // again.text == row.text
public enum TemplifyRepository {
    // MARK: - Chains

    /// The chains of a finished run as request ids, ordered by their first request (round, then
    /// position). A chain starts at a done request that does not inherit from its predecessor
    /// and follows the `inherits_from_previous` links forward. Failed requests have no pairs and
    /// are left out (their raw texts stay raw). Only ids: a run of millions of texts fits.
    public static func chainRequestIds(run runId: Int64, in db: Database) throws -> [[Int64]] {
        _ = try SynthesisRepository.run(runId, in: db)
        let open = try SynthesisRepository.openRequests(run: runId, in: db)
        guard open == 0 else { throw TemplateError.unfinishedRun(run: runId, open: open) }
        return try SynthesisRepository.chainRequestIds(run: runId, in: db)
    }

    /// The chains of a finished run with their texts and pairs, all in memory (templify itself
    /// reads them a batch at a time).
    public static func chains(run runId: Int64, in db: Database) throws -> [TemplifyChain] {
        try chains(requestIds: chainRequestIds(run: runId, in: db), in: db)
    }

    /// These chains (request ids, oldest first) with each entry's raw text and pairs.
    static func chains(requestIds: some Collection<[Int64]>, in db: Database) throws -> [TemplifyChain] {
        let found = try entries(requestIds: requestIds.flatMap { $0 }, in: db)
        return try requestIds.map { ids in
            TemplifyChain(entries: try ids.map { id in
                guard let entry = found[id] else { throw TemplateError.corruptRecord(augmentedTextId: 0, field: "request_ids (no request \(id))") }
                return entry
            })
        }
    }

    /// Raw text and pairs (in output order) of each request, as synthesis stored them.
    static func entries(requestIds: [Int64], in db: Database) throws -> [Int64: TemplifyEntry] {
        try SynthesisRepository.entries(requestIds: requestIds, in: db).mapValues { entry in
            TemplifyEntry(requestId: entry.requestId, rawTextId: entry.rawTextId, text: entry.text,
                          pairs: entry.pairs.map { TemplifyPair(id: $0.id, pair: $0.pair) })
        }
    }

    // MARK: - Writing

    /// Where a stored text sits: its chain's first request and its part among the chain's texts.
    public struct TextKey: Hashable, Sendable {
        public var firstRequestId: Int64
        public var part: Int
    }

    /// The stored texts of a run and seed: (first request id, part) → (row id, text hash).
    public static func existing(run runId: Int64, seed: Int64, in db: Database) throws -> [TextKey: (id: Int64, sha256: String)] {
        var result: [TextKey: (id: Int64, sha256: String)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, first_request_id, part, sha256 FROM augmented_texts WHERE run_id = ? AND seed = ?",
                                    arguments: [runId, seed]) {
            result[TextKey(firstRequestId: row["first_request_id"], part: row["part"])] = (row["id"], row["sha256"])
        }
        return result
    }

    /// Removes a run's texts for one seed (their raw-text links go with them).
    @discardableResult
    public static func deleteTexts(run runId: Int64, seed: Int64, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM augmented_texts WHERE run_id = ? AND seed = ?", arguments: [runId, seed])
        return db.changesCount
    }

    /// Stores one text of a chain (its `part`) and its raw-text links; returns the new row id.
    @discardableResult
    public static func insert(_ rendered: RenderedText, part: Int, chain: TemplifyChain, run runId: Int64, seed: Int64,
                              in db: Database) throws -> Int64 {
        let insertText = try db.cachedStatement(sql: """
            INSERT INTO augmented_texts (run_id, first_request_id, part, seed, mode, inverted, bare_text, no_header, hidden_options,
                                         template_ids, option_orders, request_ids, raw_text_ids, pair_ids, text, sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertLink = try db.cachedStatement(sql: """
            INSERT INTO augmented_text_raw_texts (augmented_text_id, raw_text_id, position) VALUES (?, ?, ?)
            """)
        let choices = rendered.choices
        try insertText.execute(arguments: [
            runId, chain.firstRequestId, part, seed, rendered.storedMode, choices.inverted, choices.bareText, choices.noHeader,
            choices.hiddenOptions, AugmentedText.json(rendered.templateIds), choices.optionOrdersJSON,
            AugmentedText.json(rendered.requestIds), AugmentedText.json(rendered.rawTextIds),
            AugmentedText.json(rendered.pairIds), rendered.text, Hex.sha256(rendered.text),
        ])
        let id = db.lastInsertedRowID
        for (position, rawTextId) in rendered.rawTextIds.enumerated() {
            try insertLink.execute(arguments: [id, rawTextId, position])
        }
        return id
    }

    // MARK: - Reading and rebuilding

    public static func augmentedText(id: Int64, in db: Database) throws -> AugmentedText {
        guard let row = try AugmentedText.fetchOne(db, key: id) else { throw TemplateError.unknownAugmentedText(id) }
        return row
    }

    /// Renders a stored text again from its row alone: its entries (request ids → raw texts and
    /// pairs), its recorded mode, inversion, frame, hidden options, templates (by id) and option
    /// orders. No random number is drawn, so the result does not depend on the current catalog.
    /// A `raw` row is its one entry's raw text.
    public static func rebuild(_ row: AugmentedText, in db: Database) throws -> RenderedText {
        guard let requestIds = row.requestIdList else { throw TemplateError.corruptRecord(augmentedTextId: row.id, field: "request_ids") }
        guard let templateIds = row.templateIdList else { throw TemplateError.corruptRecord(augmentedTextId: row.id, field: "template_ids") }
        let isRaw = row.mode == ComprehensionMode.rawMode
        guard let mode = isRaw ? .classic : ComprehensionMode(rawValue: row.mode) else {
            throw TemplateError.corruptRecord(augmentedTextId: row.id, field: "mode")
        }
        guard let optionOrders = TemplifyChoices.optionOrders(fromJSON: row.optionOrders) else {
            throw TemplateError.corruptRecord(augmentedTextId: row.id, field: "option_orders")
        }
        let catalog = try TemplateRepository.catalog(ids: templateIds, in: db)
        var templates: [TemplateFamily: Int64] = [:]
        for id in templateIds {
            guard let template = catalog.template(id: id) else { throw TemplateError.unknownTemplateId(id) }
            templates[template.family] = id
        }
        let choices = TemplifyChoices(mode: mode, inverted: row.inverted, bareText: row.bareText, noHeader: row.noHeader,
                                      hiddenOptions: row.hiddenOptions, templates: templates, optionOrders: optionOrders)
        let texts: [RenderedText]
        do {
            let chain = try chains(requestIds: [requestIds], in: db)[0]
            texts = try TemplifyRenderer.render(chain, choices: choices, catalog: catalog)
        } catch TemplateError.corruptRecord(_, let field) {
            throw TemplateError.corruptRecord(augmentedTextId: row.id, field: field)
        }
        // A row holds exactly one text: its entries all formatted, or its one raw entry. If its
        // pairs changed so that this no longer holds, the rebuild cannot match the row.
        guard texts.count == 1, texts[0].isRawEntry == isRaw else { throw TemplateError.rebuildMismatch(augmentedTextId: row.id) }
        return texts[0]
    }

    /// The augmented texts of a run (one seed, or all), in id order.
    public static func forEachText(run runId: Int64, seed: Int64?, in db: Database, _ body: (AugmentedText) throws -> Void) throws {
        _ = try SynthesisRepository.run(runId, in: db)
        let cursor = try AugmentedText.fetchCursor(db, sql: """
            SELECT * FROM augmented_texts WHERE run_id = ? AND (? IS NULL OR seed = ?) ORDER BY id
            """, arguments: [runId, seed, seed])
        while let row = try cursor.next() { try body(row) }
    }

    /// The first augmented text of a run and seed that formats pairs (not a raw entry stored as is).
    public static func firstFormattedTextId(run runId: Int64, seed: Int64?, in db: Database) throws -> Int64? {
        _ = try SynthesisRepository.run(runId, in: db)
        return try Int64.fetchOne(db, sql: """
            SELECT id FROM augmented_texts WHERE run_id = ? AND (? IS NULL OR seed = ?) AND mode != ? ORDER BY id LIMIT 1
            """, arguments: [runId, seed, seed, ComprehensionMode.rawMode])
    }

    /// The UTF-8 bytes of a run's augmented texts (one seed, or all).
    public static func textBytes(run runId: Int64, seed: Int64?, in db: Database) throws -> Int {
        _ = try SynthesisRepository.run(runId, in: db)
        return try Int.fetchOne(db, sql: """
            SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM augmented_texts WHERE run_id = ? AND (? IS NULL OR seed = ?)
            """, arguments: [runId, seed, seed]) ?? 0
    }
}

/// Where a stored augmented text came from — its raw texts in order, the pairs it formats,
/// the templates it used — and whether its row still rebuilds it, as `ipt templify show` prints.
///
///     let lineage = try TemplifyRepository.lineage(of: try TemplifyRepository.augmentedText(id: 17, in: db), in: db)
///     print(lineage.rebuildsIdentically, lineage.rawTexts.map(\.id))
///     print(lineage.report)
public struct AugmentedTextLineage {
    public var row: AugmentedText
    public var rebuildsIdentically: Bool
    public var rawTexts: [(position: Int, id: Int64, externalId: String?, charCount: Int, text: String)]
    public var pairs: [(id: Int64, rawTextId: Int64, kind: String, question: String, answer: String)]
    public var templates: [Template]

    /// The row, its frame, the rebuild check, three tables (raw texts, pairs, templates), the
    /// option orders and the text.
    public var report: String {
        let frame = [row.inverted ? "inverted" : nil, row.bareText ? "bare text" : nil, row.noHeader ? "no header" : nil,
                     row.hiddenOptions ? "options hidden" : nil].compactMap { $0 }
        var rawTable = TextTable(columns: ["position", "raw_text_id", "external_id", "chars", "start"])
        for raw in rawTexts { rawTable.append([String(raw.position), String(raw.id), raw.externalId ?? "", String(raw.charCount), oneLine(raw.text)]) }
        var pairTable = TextTable(columns: ["pair_id", "raw_text_id", "kind", "question", "answer"])
        for pair in pairs { pairTable.append([String(pair.id), String(pair.rawTextId), pair.kind, oneLine(pair.question), oneLine(pair.answer)]) }
        var templateTable = TextTable(columns: ["id", "family", "name", "version"])
        for template in templates { templateTable.append([String(template.id), template.family.rawValue, template.name, String(template.version)]) }
        return """
            augmented text \(row.id): run \(row.runId), seed \(row.seed), chain of request \(row.firstRequestId), part \(row.part)
            mode: \(row.mode)\(frame.isEmpty ? "" : ", " + frame.joined(separator: ", ")); \(row.text.utf8.count) bytes
            rebuild from row: \(rebuildsIdentically ? "identical" : "DIFFERENT (the row, its pairs or templates changed)")

            raw texts:
            \(rawTable.render())

            pairs:
            \(pairTable.render())

            templates (in order of use):
            \(templateTable.render())

            option orders: \(row.optionOrders)

            text:
            \(row.text)
            """
    }
}

extension TemplifyRepository {
    public static func lineage(of row: AugmentedText, in db: Database) throws -> AugmentedTextLineage {
        // A row whose pairs changed so that it no longer renders as one text cannot match.
        var rebuiltText: String?
        do { rebuiltText = try rebuild(row, in: db).text } catch TemplateError.rebuildMismatch { rebuiltText = nil }
        let rawTexts = try Row.fetchAll(db, sql: """
            SELECT l.position, r.id, r.external_id, r.char_count, r.text FROM augmented_text_raw_texts l
            JOIN corpus_texts r ON r.id = l.raw_text_id WHERE l.augmented_text_id = ? ORDER BY l.position
            """, arguments: [row.id]).map { (position: $0["position"] as Int, id: $0["id"] as Int64, externalId: $0["external_id"] as String?,
                                             charCount: $0["char_count"] as Int, text: $0["text"] as String) }
        let pairIds = row.pairIdList ?? []
        let stored = try SynthesisRepository.pairs(ids: pairIds, in: db)
        let pairs = pairIds.compactMap { id in stored[id].map { (id: id, rawTextId: $0.rawTextId, kind: $0.kind, question: $0.question, answer: $0.answer) } }
        let templateIds = row.templateIdList ?? []
        let catalog = try TemplateRepository.catalog(ids: templateIds, in: db)
        return AugmentedTextLineage(row: row, rebuildsIdentically: rebuiltText == row.text, rawTexts: rawTexts, pairs: pairs,
                                    templates: templateIds.compactMap(catalog.template(id:)))
    }
}
