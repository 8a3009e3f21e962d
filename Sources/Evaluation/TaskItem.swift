/// One multiple-choice question as the harness sees a document: a context, the choices, the
/// gold index, and which split it belongs to (`train` items are the few-shot pool).
///
///     let item = TaskItem(id: 1, context: "Q: 2+2?\nA:", choices: ["4", "5"], gold: 0, split: .test)
///     item.choices[item.gold]   // "4"
///     let scores = try evaluator.evaluate(items: [item] + trainItems, shots: 1, seed: 7)
public struct TaskItem: Sendable, Equatable {
    /// Stable id (the `eval_items` row id, or the line number for an in-memory task): the few-shot
    /// sample of an item is drawn from the stream of this id.
    public var id: Int64
    public var context: String
    public var choices: [String]
    public var gold: Int
    public var split: TaskSplit

    public init(id: Int64, context: String, choices: [String], gold: Int, split: TaskSplit = .test) {
        self.id = id
        self.context = context
        self.choices = choices
        self.gold = gold
        self.split = split
    }
}

/// The splits of a task, with the harness's names.
///
///     TaskSplit(rawValue: "validation")   // .validation
public enum TaskSplit: String, Sendable, CaseIterable, Codable {
    case train, validation, test
}
