import Crypto
import Foundation
import GRDB
import Synthesis

/// The only place `augmented_texts` and `augmented_text_raw_texts` are read and written, and
/// where templify reads a run's chains from the synthesis tables. Functions run inside the
/// caller's transaction.
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
        let open = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM synth_requests WHERE run_id = ? AND status IN ('pending', 'leased')
            """, arguments: [runId]) ?? 0
        let waiting = try Int.fetchOne(db, sql: """
            SELECT texts_total - (SELECT count(*) FROM synth_requests WHERE run_id = ?) FROM synth_runs WHERE id = ?
            """, arguments: [runId, runId]) ?? 0
        guard open + waiting == 0 else { throw TemplateError.unfinishedRun(run: runId, open: open + waiting) }

        let order = try Int64.fetchAll(db, sql: """
            SELECT id FROM synth_requests WHERE run_id = ? AND status = 'done' ORDER BY round, position
            """, arguments: [runId])
        let done = Set(order)
        var next: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT l.previous_request_id, l.request_id FROM synth_chain_links l JOIN synth_requests q ON q.id = l.request_id
            WHERE q.run_id = ? AND l.inherits_from_previous = 1
            """, arguments: [runId]) {
            next[row["previous_request_id"]] = row["request_id"]
        }
        let continuations = Set(next.values)
        var chains: [[Int64]] = []
        for head in order where !continuations.contains(head) {
            var chain: [Int64] = []
            var current: Int64? = head
            while let id = current, done.contains(id) {
                chain.append(id)
                current = next[id]
            }
            chains.append(chain)
        }
        return chains
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

    /// Raw text and pairs (in output order) of each request, 500 requests per query.
    static func entries(requestIds: [Int64], in db: Database) throws -> [Int64: TemplifyEntry] {
        var entries: [Int64: TemplifyEntry] = [:]
        for start in stride(from: 0, to: requestIds.count, by: 500) {
            let batch = Array(requestIds[start..<min(start + 500, requestIds.count)])
            let marks = databaseQuestionMarks(count: batch.count)
            for row in try Row.fetchAll(db, sql: """
                SELECT q.id, q.raw_text_id, r.text FROM synth_requests q JOIN raw_texts r ON r.id = q.raw_text_id WHERE q.id IN (\(marks))
                """, arguments: StatementArguments(batch)) {
                let id: Int64 = row["id"]
                entries[id] = TemplifyEntry(requestId: id, rawTextId: row["raw_text_id"], text: row["text"], pairs: [])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT id, request_id, question, answer FROM instruction_pairs WHERE request_id IN (\(marks)) ORDER BY request_id, position
                """, arguments: StatementArguments(batch)) {
                entries[row["request_id"]]?.pairs.append(TemplifyPair(id: row["id"], pair: QAPair(question: row["question"], answer: row["answer"])))
            }
        }
        return entries
    }

    // MARK: - Writing

    /// Where a stored text sits: its chain's first request and its part among the chain's texts.
    public struct TextKey: Hashable, Sendable {
        public var firstRequestId: Int64
        public var part: Int
    }

    /// The stored texts of a run and seed: (first request id, part) → (row id, text hash).
    public static func existing(run runId: Int64, seed: Int64, in db: Database) throws -> [TextKey: (id: Int64, sha256: Data)] {
        var result: [TextKey: (id: Int64, sha256: Data)] = [:]
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

    public static func textHash(_ text: String) -> Data {
        Data(SHA256.hash(data: Data(text.utf8)))
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
            AugmentedText.json(rendered.pairIds), rendered.text, textHash(rendered.text),
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
}
