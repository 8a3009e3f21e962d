import ArgumentParser
import Evaluation
import Foundation
import JSONLines
import Model
import ProgressReporting
import Store

struct EvalRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Score a multiple-choice task; print {\"acc\", \"acc_norm\", \"n\", …} as JSON and store the run.",
        discussion: """
            Scoring follows lm-evaluation-harness's multiple_choice: each choice is the continuation \
            " " + choice of the prompt, its token log-likelihood is summed; acc takes the argmax, \
            acc_norm the argmax per character of the choice, acc_bytes per UTF-8 byte; stderr is \
            the sample standard error of the mean. With --shots K, K examples from the task's train \
            items precede each prompt ("{context} {gold choice}" joined by blank lines), drawn from \
            --seed and the item's id (or the first K train items with --fewshot-sampler first_n). \
            A .jsonl --task is imported first under its file name.
            Example: ipt eval --model models/tiny --task capitals.jsonl --shots 2 --seed 1234
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var subject: EvalModelOptions

    @Option(help: ArgumentHelp("A task imported with `ipt eval import`, or a task .jsonl file.", valueName: "name|file"))
    var task: String

    @Option(help: "Few-shot examples per item, from the task's train items.")
    var shots = 0

    @Option(help: "Seed of the few-shot sample.")
    var seed: UInt64 = 1234

    @Option(name: .customLong("fewshot-sampler"), help: "random (seeded sample per item) or first_n (the first train items, as the harness's first_n).")
    var fewshotSampler: String = "random"

    @Option(help: "Which items to score: test, validation or train.")
    var split: String = "test"

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if shots < 0 { throw ValidationError("--shots must be 0 or more") }
        if TaskSplit(rawValue: split) == nil { throw ValidationError("--split must be test, validation or train") }
        if FewShotPrompt.Sampler(rawValue: fewshotSampler) == nil { throw ValidationError("--fewshot-sampler must be random or first_n") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        let taskSplit = TaskSplit(rawValue: split) ?? .test
        let sampler = FewShotPrompt.Sampler(rawValue: fewshotSampler) ?? .random
        let (task, items) = try store.write { db -> (EvalTask, [TaskItem]) in
            let task: EvalTask
            if taskIsFile {
                let name = URL(fileURLWithPath: self.task).deletingPathExtension().lastPathComponent
                task = try EvaluationRepository.importTask(name: name, sourcePath: self.task, items: try TaskFile.read(path: self.task), in: db)
            } else if let existing = try EvaluationRepository.task(named: self.task, in: db) {
                task = existing
            } else {
                throw EvaluationError.unknownTask(name: self.task)
            }
            return (task, try EvaluationRepository.items(taskId: task.id, in: db))
        }
        let reporter = progress.reporter("eval")
        defer { reporter.finish() }
        let (evaluated, model, tokenizer) = try subject.load(store: store)
        let scores = try Evaluator(model: model, tokenizer: tokenizer)
            .evaluate(items: items, split: taskSplit, shots: shots, seed: seed, sampler: sampler, taskName: task.name,
                      progress: reporter.report)
        reporter.finish()
        let runId = try store.write { db in
            try EvaluationRepository.recordRun(scores, task: task, model: evaluated, split: taskSplit, shots: shots, seed: seed, sampler: sampler, in: db)
        }
        var out = JSONWriter()
        out.object { o in
            o.member("run") { $0.integer(runId) }
            o.member("task") { $0.string(task.name) }
            for metric in scores.metrics {
                o.member(metric.name) { $0.double(metric.value) }
                o.member(metric.name + "_stderr") { json in if let stderr = metric.stderr { json.double(stderr) } else { json.null() } }
            }
            o.member("n") { $0.integer(scores.results.count) }
            o.member("shots") { $0.integer(shots) }
        }
        print(String(decoding: out.bytes, as: UTF8.self))
    }

    private var taskIsFile: Bool { task.hasSuffix(".jsonl") || task.contains("/") }
}
