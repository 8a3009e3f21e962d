import Corpus
import Crypto
import Foundation
import GRDB
import JSONLines
import Mixing
import Store
import Training

/// The only place the evaluation tables (`eval_tasks`, `eval_items`, `eval_runs`,
/// `eval_scores`, `eval_results`, `eval_text_results`) are read and written with SQL. Every
/// function runs inside the caller's transaction.
///
///     try store.write { db in
///         let task = try EvaluationRepository.importTask(name: "capitals", sourcePath: path, items: items, in: db)
///         let runId = try EvaluationRepository.recordRun(scores, task: task, model: subject, split: .test,
///                                                        shots: 0, seed: 0, in: db)
///     }
public enum EvaluationRepository {
    /// Stores a task and its items. Importing the same items under the same name again returns
    /// the existing task; different items under an existing name are refused.
    public static func importTask(name: String, sourcePath: String?, items: [TaskItem], in db: Database) throws -> EvalTask {
        let digest = itemsDigest(items)
        if let existing = try task(named: name, in: db) {
            guard existing.itemsSha256 == digest else { throw EvaluationError.taskChanged(name: name) }
            return existing
        }
        try db.execute(sql: "INSERT INTO eval_tasks (name, source_path, items_sha256) VALUES (?, ?, ?)",
                       arguments: [name, sourcePath, digest])
        let taskId = db.lastInsertedRowID
        let insert = try db.cachedStatement(sql: """
            INSERT INTO eval_items (task_id, line, split, context, choices, gold) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for item in items {
            try insert.execute(arguments: [taskId, item.id, item.split.rawValue, item.context, jsonArray(strings: item.choices), item.gold])
        }
        return EvalTask(id: taskId, name: name, sourcePath: sourcePath, itemsSha256: digest)
    }

    public static func task(named name: String, in db: Database) throws -> EvalTask? {
        try EvalTask.filter(EvalTask.Columns.name == name).fetchOne(db)
    }

    /// The task's items in file order, with their row ids as ids.
    public static func items(taskId: Int64, in db: Database) throws -> [TaskItem] {
        try Row.fetchAll(db, sql: "SELECT id, split, context, choices, gold FROM eval_items WHERE task_id = ? ORDER BY line",
                         arguments: [taskId]).map { row in
            let choicesJSON: String = row["choices"]
            let choices = (try? JSONParser.parse(choicesJSON))?.arrayValue?.compactMap(\.stringValue) ?? []
            let split = TaskSplit(rawValue: row["split"]) ?? .test
            return TaskItem(id: row["id"], context: row["context"], choices: choices, gold: row["gold"], split: split)
        }
    }

    /// Stores a multiple-choice run with its metrics and per-item results; returns the run id.
    public static func recordRun(_ scores: MultipleChoiceScores, task: EvalTask, model: EvaluatedModel,
                                 split: TaskSplit, shots: Int, seed: UInt64, sampler: FewShotPrompt.Sampler = .random,
                                 in db: Database) throws -> Int64 {
        let runId = try insertRun(kind: .multipleChoice, taskId: task.id, model: model, split: split.rawValue,
                                  shots: shots, sampler: sampler, seed: seed, itemCount: scores.results.count, in: db)
        try insertMetrics(scores.metrics, runId: runId, in: db)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO eval_results (run_id, item_id, chosen, chosen_norm, chosen_bytes, correct, correct_norm,
                                      logprobs, choice_chars, choice_bytes, fewshot_item_ids)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for result in scores.results {
            var logprobs = JSONWriter()
            logprobs.array(ofDoubles: result.logLikelihoods)
            var characters = JSONWriter(), bytes = JSONWriter(), examples = JSONWriter()
            characters.array(ofIntegers: result.choiceCharacters)
            bytes.array(ofIntegers: result.choiceBytes)
            examples.array(ofIntegers: result.exampleIds)
            try insert.execute(arguments: [
                runId, result.itemId, result.chosen, result.chosenNorm, result.chosenBytes,
                result.correct ? 1 : 0, result.correctNorm ? 1 : 0,
                logprobs.text, characters.text, bytes.text, examples.text,
            ])
        }
        return runId
    }

    /// Stores a perplexity run over held-out texts; returns the run id.
    public static func recordPerplexityRun(_ scores: PerplexityScores, model: EvaluatedModel, in db: Database) throws -> Int64 {
        let runId = try insertRun(kind: .perplexity, taskId: nil, model: model, split: "heldout",
                                  shots: 0, sampler: .random, seed: 0, itemCount: scores.results.count, in: db)
        try insertMetrics(scores.metrics, runId: runId, in: db)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO eval_text_results (run_id, raw_text_id, logprob, token_count, byte_count, word_count)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        for result in scores.results {
            try insert.execute(arguments: [runId, result.rawTextId, result.logLikelihood, result.tokenCount,
                                           result.byteCount, result.wordCount])
        }
        return runId
    }

    /// The corpus's held-out texts in id order, optionally the first `limit`.
    public static func heldOutTexts(limit: Int?, in db: Database) throws -> [(id: Int64, text: String)] {
        var texts: [(id: Int64, text: String)] = []
        try CorpusRepository.forEachRawText(source: nil, split: .heldout, in: db) { text in
            if let limit, texts.count >= limit { return }
            texts.append((text.id, text.text))
        }
        return texts
    }

    /// A training checkpoint's directory and, when it was trained from a snapshot, the snapshot's
    /// tokenizer name and whether its packing put `<s>` before every document.
    public static func checkpoint(id: Int64, in db: Database) throws -> (directory: String, tokenizer: String?, beginsWithBOS: Bool, sha256: String) {
        guard let checkpoint = try TrainingRepository.checkpoint(id: id, in: db) else {
            throw EvaluationError.unknownCheckpoint(id: id, reason: "no such checkpoint; list them with `ipt sql \"SELECT * FROM checkpoints\"`")
        }
        let snapshot = try TrainingRepository.run(id: checkpoint.runId, in: db)?.snapshotId.map { try MixingRepository.snapshot(id: $0, in: db) }
        return (checkpoint.path, snapshot?.tokenizer, snapshot.map { $0.packing.bos == .document } ?? true, checkpoint.sha256)
    }

    public static func runs(ids: [Int64]?, in db: Database) throws -> [EvalRun] {
        if let ids { return try EvalRun.filter(keys: ids).order(Column("id")).fetchAll(db) }
        return try EvalRun.order(Column("id")).fetchAll(db)
    }

    /// One score of a run, e.g. "acc"; a run without it is an error naming both.
    public static func metric(_ name: String, runId: Int64, in db: Database) throws -> Metric {
        guard let found = try metrics(runId: runId, in: db).first(where: { $0.name == name }) else {
            throw EvaluationError.missingMetric(run: runId, metric: name)
        }
        return found
    }

    /// The accuracy of several runs over the same items (e.g. one model per training seed): each
    /// item scores the share of the runs that answered it right, and acc is the mean of those
    /// scores with the harness's stderr over the items, which keeps the items' shared difficulty
    /// in the interval. With one run it is that run's stored `acc`.
    public static func pooledAccuracy(runIds: [Int64], in db: Database) throws -> Metric {
        guard runIds.count > 1 else { return try metric("acc", runId: runIds.first ?? 0, in: db) }
        var correctByItem: [Int64: Double] = [:]
        var itemCounts: Set<Int> = []
        for run in runIds {
            let rows = try Row.fetchAll(db, sql: "SELECT item_id, correct FROM eval_results WHERE run_id = ?", arguments: [run])
            itemCounts.insert(rows.count)
            for row in rows { correctByItem[row["item_id"], default: 0] += row["correct"] }
        }
        guard itemCounts.count == 1, let count = itemCounts.first, count > 0, correctByItem.count == count else {
            throw EvaluationError.differentItems(runs: runIds)
        }
        let runs = Double(runIds.count)
        let scores = correctByItem.sorted { $0.key < $1.key }.map { $0.value / runs }
        return Metric.mean(name: "acc", of: scores)
    }

    public static func metrics(runId: Int64, in db: Database) throws -> [Metric] {
        try Row.fetchAll(db, sql: "SELECT metric, value, stderr FROM eval_scores WHERE run_id = ? ORDER BY metric",
                         arguments: [runId]).map { Metric(name: $0["metric"], value: $0["value"], stderr: $0["stderr"]) }
    }

    /// A run's metrics as SQLite's `printf('%.4f', …)` writes them, the text `ipt query
    /// eval_scores` shows: metric → (value, stderr or nil).
    public static func roundedMetrics(runId: Int64, in db: Database) throws -> [String: (value: String, stderr: String?)] {
        var rounded: [String: (value: String, stderr: String?)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT metric, printf('%.4f', value) AS value,
                   CASE WHEN stderr IS NULL THEN NULL ELSE printf('%.4f', stderr) END AS stderr
            FROM eval_scores WHERE run_id = ?
            """, arguments: [runId]) {
            rounded[row["metric"]] = (row["value"], row["stderr"])
        }
        return rounded
    }

    public static func taskNames(in db: Database) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM eval_tasks") { names[row["id"]] = row["name"] }
        return names
    }

    // MARK: - Helpers

    private static func insertRun(kind: EvalRun.Kind, taskId: Int64?, model: EvaluatedModel, split: String,
                                  shots: Int, sampler: FewShotPrompt.Sampler, seed: UInt64, itemCount: Int, in db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO eval_runs (kind, task_id, model_path, checkpoint_id, tokenizer, split, shots, fewshot_sampler, seed, item_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [kind, taskId, model.path, model.checkpointId, model.tokenizer, split, shots, sampler.rawValue,
                             Int64(bitPattern: seed), itemCount])
        return db.lastInsertedRowID
    }

    private static func insertMetrics(_ metrics: [Metric], runId: Int64, in db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO eval_scores (run_id, metric, value, stderr) VALUES (?, ?, ?, ?)")
        for metric in metrics {
            try insert.execute(arguments: [runId, metric.name, metric.value, metric.stderr])
        }
    }

    /// Hex SHA-256 over each item's canonical JSON line, in order.
    static func itemsDigest(_ items: [TaskItem]) -> String {
        var hasher = SHA256()
        for item in items {
            var line = JSONWriter()
            line.object { o in
                o.member("line") { $0.integer(item.id) }
                o.member("split") { $0.string(item.split.rawValue) }
                o.member("context") { $0.string(item.context) }
                o.member("choices") { json in json.array { a in for choice in item.choices { a.element { $0.string(choice) } } } }
                o.member("gold") { $0.integer(item.gold) }
            }
            hasher.update(data: line.bytes + [0x0A])
        }
        return Hex.string(hasher.finalize())
    }

    private static func jsonArray(strings: [String]) -> String {
        var writer = JSONWriter()
        writer.array { a in for value in strings { a.element { $0.string(value) } } }
        return writer.text
    }
}
