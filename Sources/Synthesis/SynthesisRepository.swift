import Foundation
import Corpus
import GRDB
import JSONLines
import SynthesizerText

/// The only place the synthesis tables (`synth_runs`, `synth_run_texts`, `synth_requests`,
/// `synth_chain_links`, `instruction_pairs`) are read and written with SQL. Every function runs
/// inside the caller's transaction; the worker wraps each step in one.
///
///     let runId = try store.write { db in try SynthesisRepository.createRun(setup, in: db) }
///     try store.write { db in _ = try SynthesisRepository.advance(run: runId, in: db) }   // creates round 0
///     let batch = try store.write { db in try SynthesisRepository.claim(run: runId, owner: "w1", batchSize: 8,
///                                                                      leaseSeconds: 60, now: Date().timeIntervalSince1970, in: db) }
public enum SynthesisRepository {
    // MARK: - Runs

    /// Creates a run and freezes its ordered list of raw texts (id order, optionally one source,
    /// at most `textLimit`). Requests are created round by round by `advance`.
    public static func createRun(_ setup: SynthRunSetup, in db: Database) throws -> Int64 {
        if setup.backend == .openai, let answers = setup.answerTemperature, answers != setup.temperature {
            throw SynthesisError.answerTemperatureUnsupported(setup.backend)
        }
        var sourceId: Int64?
        if let source = setup.source {
            guard let found = try CorpusRepository.existingSource(named: source, in: db) else { throw SynthesisError.unknownSource(source) }
            sourceId = found.id
        }
        try db.execute(sql: """
            INSERT INTO synth_runs (backend, backend_reference, model, rounds, max_model_len, max_new_tokens,
                                    temperature, top_p, answer_temperature, seed, source_filter, text_limit, texts_total,
                                    round_size, max_attempts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)
            """, arguments: [setup.backend, setup.backendReference, setup.model, setup.rounds, setup.limits.maxModelLength,
                             setup.limits.maxNewTokens, setup.temperature, setup.topP, setup.answerTemperature, setup.seed, setup.source, setup.textLimit,
                             setup.maxAttempts])
        let runId = db.lastInsertedRowID
        try db.execute(sql: """
            INSERT INTO synth_run_texts (run_id, ordinal, raw_text_id)
            SELECT ?, row_number() OVER (ORDER BY id) - 1, id FROM (
                SELECT id FROM corpus_texts WHERE (? IS NULL OR source_id = ?) ORDER BY id LIMIT ?)
            """, arguments: [runId, sourceId, sourceId, setup.textLimit ?? -1])
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM synth_run_texts WHERE run_id = ?", arguments: [runId]) ?? 0
        guard total > 0 else { throw SynthesisError.noTexts(source: setup.source) }
        let split = RoundSplit(textCount: total, rounds: setup.rounds)
        try db.execute(sql: "UPDATE synth_runs SET texts_total = ?, round_size = ? WHERE id = ?",
                       arguments: [total, split.roundSize, runId])
        return runId
    }

    public static func run(_ id: Int64, in db: Database) throws -> SynthRun {
        guard let run = try SynthRun.fetchOne(db, key: id) else { throw SynthesisError.unknownRun(id) }
        return run
    }

    public static func runIds(in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM synth_runs ORDER BY id")
    }

    // MARK: - Rounds

    /// Where a run stands after `advance`.
    public enum RunState: Sendable, Equatable {
        /// Requests of the current round are pending or leased.
        case working(round: Int)
        case done
    }

    /// Moves a run forward: creates round 0, or the next round once every request of the
    /// current one is done or failed (its prompts depend on their pairs), or marks the run
    /// done after the last round. Safe to call from any number of workers: call it inside an
    /// immediate transaction and only one of them creates a round.
    @discardableResult
    public static func advance(run runId: Int64, in db: Database) throws -> RunState {
        var run = try run(runId, in: db)
        while true {
            if run.status == "done" || run.status == "failed" { return .done }
            if run.roundsCreated > 0 {
                let open = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM synth_requests WHERE run_id = ? AND round = ? AND status IN ('pending', 'leased')
                    """, arguments: [runId, run.roundsCreated - 1]) ?? 0
                if open > 0 { return .working(round: run.roundsCreated - 1) }
            }
            if run.roundsCreated == run.rounds {
                // A run none of whose requests succeeded produced nothing: it failed.
                try db.execute(sql: """
                    UPDATE synth_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                        status = CASE WHEN EXISTS (SELECT 1 FROM synth_requests WHERE run_id = ?1 AND status = 'done')
                                      THEN 'done' ELSE 'failed' END
                    WHERE id = ?1
                    """, arguments: [runId])
                return .done
            }
            try createRound(run.roundsCreated, of: run, in: db)
            run.roundsCreated += 1
            try db.execute(sql: "UPDATE synth_runs SET rounds_created = ? WHERE id = ?", arguments: [run.roundsCreated, runId])
        }
    }

    /// Plans every prompt of a round with `ChainPlanner` from the chains of earlier rounds.
    static func createRound(_ round: Int, of run: SynthRun, in db: Database) throws {
        let range = run.split.range(of: round)
        guard !range.isEmpty else { return }
        let texts = try Row.fetchAll(db, sql: """
            SELECT t.ordinal, t.raw_text_id, r.text FROM synth_run_texts t JOIN corpus_texts r ON r.id = t.raw_text_id
            WHERE t.run_id = ? AND t.ordinal >= ? AND t.ordinal < ? ORDER BY t.ordinal
            """, arguments: [run.id, range.lowerBound, range.upperBound])
        let insertRequest = try db.cachedStatement(sql: """
            INSERT INTO synth_requests (run_id, round, position, raw_text_id, prepended_entries, prompt) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let insertLink = try db.cachedStatement(sql: """
            INSERT INTO synth_chain_links (request_id, previous_request_id, followed_by_next)
            SELECT ?, id, ? FROM synth_requests WHERE run_id = ? AND round = ? AND position = ?
            """)
        for (position, row) in texts.enumerated() {
            let rawTextId: Int64 = row["raw_text_id"]
            let text: String = row["text"]
            let chain = round > 0 ? try chain(run: run.id, endingAt: round - 1, position: position, in: db) : []
            let plan = ChainPlanner.plan(text: text, chain: chain, limits: run.limits)
            try insertRequest.execute(arguments: [run.id, round, position, rawTextId, plan.prependedEntries, plan.prompt])
            if round > 0 {
                try insertLink.execute(arguments: [db.lastInsertedRowID, plan.followsPrevious, run.id, round - 1, position])
            }
        }
    }

    /// The entries of chain `position` from round `round` back as far as inheritance reaches,
    /// oldest first.
    static func chain(run runId: Int64, endingAt round: Int, position: Int, in db: Database) throws -> [ChainEntry] {
        var entries: [ChainEntry] = []
        var currentRound = round
        while currentRound >= 0 {
            guard let row = try Row.fetchOne(db, sql: """
                SELECT q.id, r.text, l.inherits_from_previous FROM synth_requests q
                JOIN corpus_texts r ON r.id = q.raw_text_id
                LEFT JOIN synth_chain_links l ON l.request_id = q.id
                WHERE q.run_id = ? AND q.round = ? AND q.position = ?
                """, arguments: [runId, currentRound, position]) else { break }
            let inherits = (row["inherits_from_previous"] as Int?) == 1
            entries.append(ChainEntry(text: row["text"], pairs: try pairs(ofRequest: row["id"], in: db), inheritsFromPrevious: inherits))
            guard inherits else { break }
            currentRound -= 1
        }
        return entries.reversed()
    }

    static func pairs(ofRequest requestId: Int64, in db: Database) throws -> [QAPair] {
        try Row.fetchAll(db, sql: "SELECT question, answer FROM instruction_pairs WHERE request_id = ? ORDER BY position",
                         arguments: [requestId]).map { QAPair(question: $0["question"], answer: $0["answer"]) }
    }

    // MARK: - Leases

    /// Leases up to `batchSize` requests that are pending or whose lease expired, lowest round
    /// and position first. Requests whose lease expired after `max_attempts` claims fail instead.
    public static func claim(run runId: Int64, owner: String, batchSize: Int, leaseSeconds: Double, now: Double,
                             in db: Database) throws -> [LeasedRequest] {
        try db.execute(sql: """
            UPDATE synth_requests SET status = 'failed', lease_owner = NULL, lease_expires_at = NULL,
                last_error = coalesce(last_error, 'lease expired') || ' (gave up after ' || attempts || ' attempts)'
            WHERE run_id = ? AND status = 'leased' AND lease_expires_at < ?
              AND attempts >= (SELECT max_attempts FROM synth_runs WHERE id = ?)
            """, arguments: [runId, now, runId])
        try markFailedLinks(run: runId, in: db)
        let rows = try Row.fetchAll(db, sql: """
            UPDATE synth_requests
            SET status = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM synth_requests
                WHERE run_id = ? AND (status = 'pending' OR (status = 'leased' AND lease_expires_at < ?))
                ORDER BY round, position LIMIT ?)
            RETURNING id, raw_text_id, prompt
            """, arguments: [owner, now + leaseSeconds, runId, now, batchSize])
        return rows.map { LeasedRequest(id: $0["id"], rawTextId: $0["raw_text_id"], prompt: $0["prompt"]) }
            .sorted { $0.id < $1.id }
    }

    /// Extends the leases `owner` still holds; returns how many it still holds.
    @discardableResult
    public static func renew(_ requestIds: [Int64], owner: String, until expiry: Double, in db: Database) throws -> Int {
        guard !requestIds.isEmpty else { return 0 }
        let placeholders = Array(repeating: "?", count: requestIds.count).joined(separator: ", ")
        try db.execute(sql: """
            UPDATE synth_requests SET lease_expires_at = ?
            WHERE status = 'leased' AND lease_owner = ? AND id IN (\(placeholders))
            """, arguments: StatementArguments([expiry, owner] as [any DatabaseValueConvertible]) + StatementArguments(requestIds))
        return db.changesCount
    }

    /// Writes what became of a batch: for each request still leased by `owner`, its output,
    /// token counts and pairs (status done), or its error (pending again, or failed after
    /// `max_attempts`). A request whose lease was lost to another worker is left alone, so a
    /// request's pairs are written exactly once. Returns the number of pairs written.
    @discardableResult
    public static func record(_ outcomes: [RequestOutcome], owner: String, in db: Database) throws -> Int {
        let markDone = try db.cachedStatement(sql: """
            UPDATE synth_requests
            SET status = 'done', output = ?, prompt_tokens = ?, completion_tokens = ?, finish_reason = ?, latency_seconds = ?,
                last_error = ?, lease_owner = NULL, lease_expires_at = NULL,
                completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE id = ? AND status = 'leased' AND lease_owner = ?
            """)
        let markFailed = try db.cachedStatement(sql: """
            UPDATE synth_requests
            SET status = CASE WHEN attempts >= (SELECT max_attempts FROM synth_runs WHERE id = run_id) THEN 'failed' ELSE 'pending' END,
                last_error = ?, latency_seconds = ?, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ? AND status = 'leased' AND lease_owner = ?
            """)
        let insertPair = try db.cachedStatement(sql: """
            INSERT INTO instruction_pairs (request_id, raw_text_id, position, question, answer, kind, stem, options,
                                           chain_of_thought, final_answer)
            SELECT id, raw_text_id, ?, ?, ?, ?, ?, ?, ?, ? FROM synth_requests WHERE id = ?
            """)
        let setInherits = try db.cachedStatement(sql: """
            UPDATE synth_chain_links SET inherits_from_previous = (followed_by_next AND ? > 0) WHERE request_id = ?
            """)
        var written = 0
        for outcome in outcomes {
            switch outcome.result {
            case let .success(completion):
                // SQLite text binding stops at a NUL: a completion holding one (a server's stray
                // byte) is stored and parsed as one and the same text, the NUL replaced by U+FFFD.
                let output = completion.text.containsNUL ? completion.text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : completion.text
                try markDone.execute(arguments: [output, completion.promptTokens, completion.completionTokens,
                                                 completion.finishReason, outcome.latencySeconds, completion.recoveredFrom,
                                                 outcome.requestId, owner])
                guard db.changesCount == 1 else { continue }
                let pairs = SynthesizerOutputParser.parse(output)
                for (position, pair) in pairs.enumerated() {
                    let analysis = PairAnalysis(pair)
                    try insertPair.execute(arguments: [position, pair.question, pair.answer, analysis.kind.rawValue, analysis.stem,
                                                       analysis.options.map(jsonArray), analysis.chainOfThought,
                                                       analysis.finalAnswer, outcome.requestId])
                }
                try setInherits.execute(arguments: [pairs.count, outcome.requestId])
                written += pairs.count
            case let .failure(failure):
                try markFailed.execute(arguments: [failure.message, outcome.latencySeconds, outcome.requestId, owner])
            }
        }
        try markFailedLinks(in: db, requestIds: outcomes.map(\.requestId))
        return written
    }

    /// A failed request produced no pairs: its successor cannot inherit from it.
    static func markFailedLinks(run runId: Int64, in db: Database) throws {
        try db.execute(sql: """
            UPDATE synth_chain_links SET inherits_from_previous = 0
            WHERE inherits_from_previous IS NULL
              AND request_id IN (SELECT id FROM synth_requests WHERE run_id = ? AND status = 'failed')
            """, arguments: [runId])
    }

    static func markFailedLinks(in db: Database, requestIds: [Int64]) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE synth_chain_links SET inherits_from_previous = 0
            WHERE request_id = ? AND inherits_from_previous IS NULL
              AND (SELECT status FROM synth_requests WHERE id = ?) = 'failed'
            """)
        for id in requestIds { try statement.execute(arguments: [id, id]) }
    }

    static func jsonArray(_ strings: [String]) -> String {
        var writer = JSONWriter()
        writer.array { array in for string in strings { array.element { $0.string(string) } } }
        return writer.text
    }

    /// The error a finished run that failed stands for (no request succeeded), with its
    /// requests' most common last error; nil for a run that is running or done.
    public static func failure(run runId: Int64, in db: Database) throws -> SynthesisError? {
        let run = try run(runId, in: db)
        guard run.status == "failed" else { return nil }
        let row = try Row.fetchOne(db, sql: """
            SELECT count(*) AS n, (SELECT last_error FROM synth_requests WHERE run_id = ?1 AND last_error IS NOT NULL
                                   GROUP BY last_error ORDER BY count(*) DESC, last_error LIMIT 1) AS error
            FROM synth_requests WHERE run_id = ?1
            """, arguments: [runId])
        return .runFailed(runId, requests: row?["n"] ?? 0, lastError: row?["error"])
    }

    // MARK: - Progress

    public static func progress(run runId: Int64, in db: Database) throws -> SynthProgress {
        let run = try run(runId, in: db)
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM synth_requests WHERE run_id = ? GROUP BY status",
                                    arguments: [runId]) {
            counts[row["status"]] = row["n"]
        }
        let tokens = try Row.fetchOne(db, sql: """
            SELECT coalesce(sum(prompt_tokens), 0) AS p, coalesce(sum(completion_tokens), 0) AS c, avg(latency_seconds) AS l
            FROM synth_requests WHERE run_id = ? AND status = 'done'
            """, arguments: [runId])
        let kinds = try Row.fetchAll(db, sql: """
            SELECT p.kind, count(*) AS n FROM instruction_pairs p JOIN synth_requests q ON q.id = p.request_id
            WHERE q.run_id = ? GROUP BY p.kind ORDER BY p.kind
            """, arguments: [runId]).map { (kind: $0["kind"] as String, count: $0["n"] as Int) }
        let total = counts.values.reduce(0, +)
        return SynthProgress(
            run: run, requestsTotal: total, requestsDone: counts["done"] ?? 0, requestsFailed: counts["failed"] ?? 0,
            requestsLeased: counts["leased"] ?? 0, requestsPending: counts["pending"] ?? 0,
            textsWaiting: run.textsTotal - total, pairs: kinds.map(\.count).reduce(0, +), pairsByKind: kinds,
            promptTokens: tokens?["p"] ?? 0, completionTokens: tokens?["c"] ?? 0, meanLatencySeconds: tokens?["l"])
    }

    // MARK: - Export

    /// Every pair of a run in request order, with its provenance.
    private static func forEachPair(run runId: Int64, in db: Database, _ body: (Row) throws -> Void) throws {
        _ = try run(runId, in: db)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT p.id AS pair_id, p.request_id, p.raw_text_id, t.external_id, q.round, q.position AS chain,
                   p.position, p.kind, p.question, p.answer, p.stem, p.options, p.chain_of_thought, p.final_answer
            FROM instruction_pairs p
            JOIN synth_requests q ON q.id = p.request_id
            JOIN corpus_texts t ON t.id = p.raw_text_id
            WHERE q.run_id = ? ORDER BY q.round, q.position, p.position
            """, arguments: [runId])
        while let row = try cursor.next() { try body(row) }
    }

    /// Writes every pair of a run as one JSONL line with its provenance (pair_id, request_id,
    /// raw_text_id, external_id, round, chain, position, kind, question, answer, stem, options,
    /// chain_of_thought, final_answer); returns how many.
    ///
    ///     let count = try store.read { db in try SynthesisRepository.exportPairs(run: 1, to: output, in: db) }
    @discardableResult
    public static func exportPairs(run runId: Int64, to output: LineWriter, in db: Database) throws -> Int {
        var count = 0
        try forEachPair(run: runId, in: db) { row in
            var line = JSONWriter()
            line.object { o in
                for column in ["pair_id", "request_id", "raw_text_id", "round", "chain", "position"] {
                    o.member(column) { $0.integer(row[column] as Int64) }
                }
                for column in ["external_id", "kind", "question", "answer", "stem", "chain_of_thought", "final_answer"] {
                    o.member(column) { json in if let text: String = row[column] { json.string(text) } else { json.null() } }
                }
                o.member("options") { json in
                    if let text: String = row["options"], let value = try? JSONParser.parse(text) { json.value(value) } else { json.null() }
                }
            }
            try output.write(line: line.bytes)
            count += 1
        }
        return count
    }
}
