import GRDB
import SynthesizerText

/// A done request as later stages read it: its raw text and its pairs in output order.
///
///     let entries = try SynthesisRepository.entries(requestIds: [3, 4], in: db)
///     print(entries[3]?.text ?? "", entries[3]?.pairs.map(\.pair.question) ?? [])
public struct RequestWithPairs: Sendable, Equatable {
    public var requestId: Int64
    public var rawTextId: Int64
    public var text: String
    public var pairs: [(id: Int64, pair: QAPair)]

    public static func == (a: RequestWithPairs, b: RequestWithPairs) -> Bool {
        let sameText = a.requestId == b.requestId && a.rawTextId == b.rawTextId && a.text == b.text
        let aIds: [Int64] = a.pairs.map(\.id), bIds: [Int64] = b.pairs.map(\.id)
        let aPairs: [QAPair] = a.pairs.map(\.pair), bPairs: [QAPair] = b.pairs.map(\.pair)
        return sameText && aIds == bIds && aPairs == bPairs
    }
}

extension SynthesisRepository {
    /// Requests of a run not yet finished: pending, leased, or for texts of rounds not yet
    /// planned. A run is finished when this is 0.
    public static func openRequests(run runId: Int64, in db: Database) throws -> Int {
        let progress = try progress(run: runId, in: db)
        return progress.requestsPending + progress.requestsLeased + progress.textsWaiting
    }

    /// The chains of a run as request ids, ordered by their first request (round, then
    /// position). A chain starts at a done request that does not inherit from its predecessor
    /// and follows the `inherits_from_previous` links forward. Failed requests have no pairs and
    /// are left out. Only ids: a run of millions of texts fits.
    public static func chainRequestIds(run runId: Int64, in db: Database) throws -> [[Int64]] {
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

    /// Raw text and pairs (in output order) of each request, 500 requests per query.
    public static func entries(requestIds: [Int64], in db: Database) throws -> [Int64: RequestWithPairs] {
        var entries: [Int64: RequestWithPairs] = [:]
        for start in stride(from: 0, to: requestIds.count, by: 500) {
            let batch = Array(requestIds[start..<min(start + 500, requestIds.count)])
            let marks = databaseQuestionMarks(count: batch.count)
            for row in try Row.fetchAll(db, sql: """
                SELECT q.id, q.raw_text_id, r.text FROM synth_requests q JOIN corpus_texts r ON r.id = q.raw_text_id WHERE q.id IN (\(marks))
                """, arguments: StatementArguments(batch)) {
                let id: Int64 = row["id"]
                entries[id] = RequestWithPairs(requestId: id, rawTextId: row["raw_text_id"], text: row["text"], pairs: [])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT id, request_id, question, answer FROM instruction_pairs WHERE request_id IN (\(marks)) ORDER BY request_id, position
                """, arguments: StatementArguments(batch)) {
                let pair = QAPair(question: row["question"], answer: row["answer"])
                entries[row["request_id"]]?.pairs.append((id: row["id"], pair: pair))
            }
        }
        return entries
    }

    /// Pairs by id, as stored: (raw text, kind, question, answer); ids not found are left out.
    public static func pairs(ids: [Int64], in db: Database) throws -> [Int64: (rawTextId: Int64, kind: String, question: String, answer: String)] {
        var pairs: [Int64: (rawTextId: Int64, kind: String, question: String, answer: String)] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = Array(ids[start..<min(start + 500, ids.count)])
            for row in try Row.fetchAll(db, sql: """
                SELECT id, raw_text_id, kind, question, answer FROM instruction_pairs WHERE id IN (\(databaseQuestionMarks(count: batch.count)))
                """, arguments: StatementArguments(batch)) {
                pairs[row["id"]] = (row["raw_text_id"], row["kind"], row["question"], row["answer"])
            }
        }
        return pairs
    }
}
