import ArgumentParser
import Evaluation
import Foundation
import Store

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
        let items = try TaskFile.read(path: file)
        let taskName = name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let store = try Store.open(path: database.db)
        let task = try store.write { db in try EvaluationRepository.importTask(name: taskName, sourcePath: file, items: items, in: db) }
        var counts: [TaskSplit: Int] = [:]
        for item in items { counts[item.split, default: 0] += 1 }
        let splits = TaskSplit.allCases.map { "\"\($0.rawValue)\": \(counts[$0] ?? 0)" }.joined(separator: ", ")
        print("{\"task\": \(task.id), \"name\": \"\(task.name)\", \"items\": \(items.count), \(splits)}")
    }
}
