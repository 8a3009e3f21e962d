import Corpus
import Foundation
import GRDB
import Store
@testable import Mixing

func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-mixing-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func writeFile(_ text: String, in directory: String, name: String) throws -> String {
    let path = directory + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// A database with `rawCount` raw texts of source "web" and a miner synthesis run whose
/// augmented texts cover the raw texts `augmentedRaw` (one augmented text each); returns the
/// store, the raw text ids and the synthesis run id.
func fixtureStore(rawCount: Int = 10, augmentedRaw: [Int] = [0, 1]) throws -> (Store, [Int64], Int64) {
    let store = try Store.open(path: try temporaryDirectory() + "/t.db")
    let (rawIds, runId) = try store.write { db -> ([Int64], Int64) in
        let source = try CorpusRepository.source(named: "web", in: db)
        var ids: [Int64] = []
        for i in 0..<rawCount {
            _ = try CorpusRepository.insertRawText(PreparedText(text: "raw text number \(i) about topic \(i % 3).", externalId: nil),
                                                   sourceId: source.id, ingestId: nil, split: .train, in: db)
            ids.append(db.lastInsertedRowID)
        }
        try db.execute(sql: """
            INSERT INTO synth_runs (backend, backend_reference, rounds, max_model_len, max_new_tokens, temperature, seed, texts_total, round_size)
            VALUES ('miner', 'miner', 1, 2048, 400, 0, 0, ?, ?)
            """, arguments: [augmentedRaw.count, augmentedRaw.count])
        let runId = db.lastInsertedRowID
        for (position, index) in augmentedRaw.enumerated() {
            try db.execute(sql: "INSERT INTO synth_requests (run_id, round, position, raw_text_id, prompt, status) VALUES (?, 0, ?, ?, 'p', 'done')",
                           arguments: [runId, position, ids[index]])
            let request = db.lastInsertedRowID
            let text = "raw text number \(index) augmented.\n\nQuestion: what number? Answer: \(index)"
            try db.execute(sql: """
                INSERT INTO augmented_texts (run_id, first_request_id, seed, mode, inverted, template_ids, option_orders, request_ids,
                                             raw_text_ids, pair_ids, text, sha256)
                VALUES (?, ?, 0, 'classic', 0, '[]', '[]', ?, ?, '[]', ?, ?)
                """, arguments: [runId, request, "[\(request)]", "[\(ids[index])]", text, Hex.sha256(text)])
            try db.execute(sql: "INSERT INTO augmented_text_raw_texts (augmented_text_id, raw_text_id, position) VALUES (?, ?, 0)",
                           arguments: [db.lastInsertedRowID, ids[index]])
        }
        return (ids, runId)
    }
    return (store, rawIds, runId)
}
