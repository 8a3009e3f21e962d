import Foundation
import JSONLines
import ProgressReporting
import Store

/// The two evaluations `ipt eval` runs end to end — find the data, load the model, score,
/// store the run — each returning the JSON line it prints.
///
///     let json = try EvaluationRuns.multipleChoice(store: store, task: "capitals.jsonl", split: .test, shots: 2,
///                                                  seed: 1234, sampler: .random) { try EvaluationSubject.load(store: store, directory: "m") }
///     print(json)   // {"run":1,"task":"capitals","acc":0.5,…}
public enum EvaluationRuns {
    /// Imports a task file under `name` (default: the file's name without .jsonl) into the
    /// database at `databasePath`, which is opened (and created) only once the file has been
    /// read; returns the line `ipt eval import` prints: the task and its items per split.
    public static func importTask(file: String, name: String?, databasePath: String) throws -> String {
        let items = try TaskFile.read(path: file)
        let task = try Store.open(path: databasePath).write { db in
            try EvaluationRepository.importTask(name: name ?? taskName(file: file), sourcePath: file, items: items, in: db)
        }
        var quotedName = JSONWriter()
        quotedName.string(task.name)
        let splits = TaskSplit.allCases.map { split in "\"\(split.rawValue)\": \(items.filter { $0.split == split }.count)" }
        return "{\"task\": \(task.id), \"name\": \(quotedName.text), \"items\": \(items.count), \(splits.joined(separator: ", "))}"
    }

    /// The name a task file is imported under: its file name without the extension.
    static func taskName(file: String) -> String {
        URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    }

    /// Scores a multiple-choice task: an imported task's name, or a `.jsonl` file (or any path),
    /// imported first under its file name. `subject` loads the model once the task is known.
    public static func multipleChoice(store: Store, task: String, split: TaskSplit, shots: Int, seed: UInt64, sampler: FewShotPrompt.Sampler,
                                      progress: ProgressHandler = { _ in }, subject: () throws -> EvaluationSubject) throws -> String {
        let (record, items) = try store.write { db -> (EvalTask, [TaskItem]) in
            let record: EvalTask
            if task.hasSuffix(".jsonl") || task.contains("/") {
                record = try EvaluationRepository.importTask(name: taskName(file: task), sourcePath: task, items: try TaskFile.read(path: task), in: db)
            } else if let existing = try EvaluationRepository.task(named: task, in: db) {
                record = existing
            } else {
                throw EvaluationError.unknownTask(name: task)
            }
            return (record, try EvaluationRepository.items(taskId: record.id, in: db))
        }
        let loaded = try subject()
        let scores = try Evaluator(model: loaded.model, tokenizer: loaded.tokenizer)
            .evaluate(items: items, split: split, shots: shots, seed: seed, sampler: sampler, taskName: record.name, progress: progress)
        let runId = try store.write { db in
            try EvaluationRepository.recordRun(scores, task: record, model: loaded.subject, split: split, shots: shots, seed: seed, sampler: sampler, in: db)
        }
        var out = JSONWriter()
        out.object { o in
            o.member("run") { $0.integer(runId) }
            o.member("task") { $0.string(record.name) }
            for metric in scores.metrics {
                o.member(metric.name) { $0.double(metric.value) }
                o.member(metric.name + "_stderr") { $0.double(orNull: metric.stderr) }
            }
            o.member("n") { $0.integer(scores.results.count) }
            o.member("shots") { $0.integer(shots) }
        }
        return out.text
    }

    /// Held-out perplexity over the corpus's held-out texts (the first `limit` by id).
    public static func perplexity(store: Store, limit: Int?, progress: ProgressHandler = { _ in },
                                  subject: () throws -> EvaluationSubject) throws -> String {
        let texts = try store.read { db in try EvaluationRepository.heldOutTexts(limit: limit, in: db) }
        if texts.isEmpty { throw EvaluationError.noHeldOutTexts }
        let loaded = try subject()
        let scores = try PerplexityEvaluator(model: loaded.model, tokenizer: loaded.tokenizer).evaluate(texts: texts, progress: progress)
        let runId = try store.write { db in try EvaluationRepository.recordPerplexityRun(scores, model: loaded.subject, in: db) }
        var out = JSONWriter()
        out.object { o in
            o.member("run") { $0.integer(runId) }
            for metric in scores.metrics { o.member(metric.name) { $0.double(metric.value) } }
            o.member("texts") { $0.integer(scores.results.count) }
            o.member("tokens") { $0.integer(scores.results.reduce(0) { $0 + $1.tokenCount }) }
            o.member("bytes") { $0.integer(scores.results.reduce(0) { $0 + $1.byteCount }) }
        }
        return out.text
    }
}
