import ArgumentParser
import Evaluation
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
    var fewshotSampler: FewShotPrompt.Sampler = .random

    @Option(help: "Which items to score: test, validation or train.")
    var split: TaskSplit = .test

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if shots < 0 { throw ValidationError("--shots must be 0 or more") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        let json = try progress.showing("eval") { onProgress in
            try EvaluationRuns.multipleChoice(store: store, task: task, split: split, shots: shots, seed: seed, sampler: fewshotSampler,
                                              progress: onProgress) { try subject.load(store: store) }
        }
        print(json)
    }
}

extension TaskSplit: ExpressibleByArgument {}
extension FewShotPrompt.Sampler: ExpressibleByArgument {}
