import ArgumentParser
import Evaluation

struct EvalImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a multiple-choice task from JSONL into eval_tasks / eval_items.",
        discussion: """
            One JSON object per line: {"context": "…", "choices": ["…", "…"], "gold": 0} plus an \
            optional "split" ("train", "validation" or "test"; default test). A bad line stops the \
            import with its line number and nothing is stored. Re-importing identical items under \
            the same name is a no-op. Example: ipt eval import capitals.jsonl --name capitals
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The task's JSONL file.", valueName: "file.jsonl"))
    var file: String

    @Option(help: "The task's name (default: the file name without .jsonl).")
    var name: String?

    func run() throws {
        print(try EvaluationRuns.importTask(file: file, name: name, databasePath: database.db))
    }
}
