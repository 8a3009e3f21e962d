import ArgumentParser

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate models: multiple-choice tasks the lm-evaluation-harness way, and held-out perplexity.",
        discussion: """
            `ipt eval --model DIR --task NAME|FILE.jsonl` scores a multiple-choice task and prints \
            {"acc", "acc_norm", "n", …} (the run subcommand is the default). Tasks are JSONL lines \
            {"context": "…", "choices": ["…", "…"], "gold": 0, "split": "test"}; `train` items are \
            the few-shot pool. Every run, its scores and each item's log-likelihoods are stored in \
            eval_runs, eval_scores and eval_results; `ipt report` turns them into a Markdown report.
            """,
        subcommands: [EvalRunCommand.self, EvalImportCommand.self, EvalPerplexityCommand.self],
        defaultSubcommand: EvalRunCommand.self)
}
