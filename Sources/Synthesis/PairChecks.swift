import GRDB
import Store

/// A synthesized pair as a ground-truth checker reads it: the question and answer as parsed,
/// and the external id of the raw text it was written for (whose subject the checker knows).
public struct PairToCheck: Sendable, Equatable {
    public var pairId: Int64
    public var rawTextExternalId: String?
    public var question: String
    public var answer: String
}

/// One verdict on a pair: `right`, `wrong` or `not_attribute`, with the attributes it was
/// judged on and their true values.
public struct PairCheck: Sendable, Equatable {
    public var pairId: Int64
    public var verdict: String
    public var attributes: [String]
    public var expected: [String]

    public init(pairId: Int64, verdict: String, attributes: [String], expected: [String]) {
        self.pairId = pairId
        self.verdict = verdict
        self.attributes = attributes
        self.expected = expected
    }
}

/// A run's verdicts counted: precision is right / (right + wrong), over the pairs that ask
/// about an attribute.
///
///     let summary = try PairCheckSummary.checking(run: 2, checker: "demo world, seed 7", store: store) { pair in
///         PairCheck(pairId: pair.pairId, verdict: "right", attributes: ["city"], expected: ["Cork"])
///     }
public struct PairCheckSummary: Sendable, Equatable {
    public var pairs: Int
    public var right: Int
    public var wrong: Int
    public var notAboutAttribute: Int
    public var checked: Int { right + wrong }
    public var precision: Double? { checked == 0 ? nil : Double(right) / Double(checked) }

    /// Judges every pair of a run with `judge`, stores the verdicts under `checker` and counts
    /// the run's verdicts, in one transaction.
    public static func checking(run runId: Int64, checker: String, store: Store, judge: (PairToCheck) -> PairCheck) throws -> PairCheckSummary {
        try store.write { db in
            try SynthesisRepository.recordChecks(try SynthesisRepository.pairsToCheck(run: runId, in: db).map(judge), checker: checker, in: db)
            return try SynthesisRepository.checkSummary(run: runId, in: db)
        }
    }
}

/// Storing ground-truth verdicts on a run's pairs (`instruction_pair_checks`).
///
///     let pairs = try SynthesisRepository.pairsToCheck(run: 2, in: db)
///     try SynthesisRepository.recordChecks(verdicts, checker: "demo-world seed 7", in: db)
///     let summary = try SynthesisRepository.checkSummary(run: 2, in: db)   // summary.precision
extension SynthesisRepository {
    public static func pairsToCheck(run runId: Int64, in db: Database) throws -> [PairToCheck] {
        try Row.fetchAll(db, sql: """
            SELECT p.id, r.external_id, p.question, p.answer
            FROM instruction_pairs p
            JOIN synth_requests q ON q.id = p.request_id
            JOIN corpus_texts r ON r.id = p.raw_text_id
            WHERE q.run_id = ?
            ORDER BY p.id
            """, arguments: [runId]).map { row in
            PairToCheck(pairId: row[0], rawTextExternalId: row[1], question: row[2], answer: row[3])
        }
    }

    /// Replaces the verdicts of these pairs.
    public static func recordChecks(_ checks: [PairCheck], checker: String, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO instruction_pair_checks (pair_id, checker, verdict, attributes, expected)
            VALUES (?, ?, ?, ?, ?)
            """)
        for check in checks {
            try statement.execute(arguments: [check.pairId, checker, check.verdict, jsonArray(check.attributes), jsonArray(check.expected)])
        }
    }

    public static func checkSummary(run runId: Int64, in db: Database) throws -> PairCheckSummary {
        let row = try Row.fetchOne(db, sql: """
            SELECT count(*) AS pairs,
                   coalesce(sum(c.verdict = 'right'), 0) AS right,
                   coalesce(sum(c.verdict = 'wrong'), 0) AS wrong,
                   coalesce(sum(c.verdict = 'not_attribute'), 0) AS other
            FROM instruction_pairs p
            JOIN synth_requests q ON q.id = p.request_id
            LEFT JOIN instruction_pair_checks c ON c.pair_id = p.id
            WHERE q.run_id = ?
            """, arguments: [runId])
        return PairCheckSummary(pairs: row?["pairs"] ?? 0, right: row?["right"] ?? 0, wrong: row?["wrong"] ?? 0,
                                notAboutAttribute: row?["other"] ?? 0)
    }
}
