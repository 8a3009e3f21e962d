import Foundation
import JSONLines

/// Reads a multiple-choice task from JSONL: one object per line,
/// `{"context": "…", "choices": ["…", "…"], "gold": 0, "split": "test"}` (split optional,
/// default `test`). Blank lines are skipped; any other bad line stops the read with its number.
///
///     let items = try TaskFile.read(path: "tasks/capitals.jsonl")
///     items.filter { $0.split == .train }.count   // the few-shot pool
///     try TaskFile.parse(bytes: Array(text.utf8), path: "inline")
public enum TaskFile {
    public static func read(path: String) throws(EvaluationError) -> [TaskItem] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        return try parse(bytes: Array(data), path: path)
    }

    /// Items get the 1-based line number as id; the repository replaces it with the row id.
    public static func parse(bytes: [UInt8], path: String) throws(EvaluationError) -> [TaskItem] {
        var items: [TaskItem] = []
        for line in LineSplitter.lines(of: bytes) where !line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            items.append(try parseLine(line.bytes, path: path, line: line.number))
        }
        if items.isEmpty { throw .emptyTask(path: path) }
        return items
    }

    static func parseLine(_ bytes: [UInt8], path: String, line: Int) throws(EvaluationError) -> TaskItem {
        func fail(_ message: String) -> EvaluationError { .invalidLine(path: path, line: line, message: message) }
        let value: JSONValue
        do { value = try JSONParser.parse(line: bytes) } catch {
            throw fail("invalid JSON at byte \(error.offset): \(error.message)")
        }
        guard case .object = value else { throw fail("expected a JSON object, found \(value.kindDescription)") }
        if let field = value.pathOfNUL() {
            throw fail("field \"\(field)\" contains a NUL character (\\u0000), which the database cannot store; remove it")
        }
        guard let contextValue = value["context"] else { throw fail("missing field \"context\"") }
        guard let context = contextValue.stringValue else {
            throw fail("expected a string in field \"context\", found \(contextValue.kindDescription)")
        }
        if context.isEmpty { throw fail("field \"context\" is empty (the harness needs a context to condition on)") }
        guard let choicesValue = value["choices"] else { throw fail("missing field \"choices\"") }
        guard let array = choicesValue.arrayValue else {
            throw fail("expected an array of strings in field \"choices\", found \(choicesValue.kindDescription)")
        }
        var choices: [String] = []
        for (index, element) in array.enumerated() {
            guard let choice = element.stringValue else {
                throw fail("expected a string in \"choices\"[\(index)], found \(element.kindDescription)")
            }
            if choice.isEmpty { throw fail("\"choices\"[\(index)] is empty") }
            choices.append(choice)
        }
        if choices.count < 2 { throw fail("field \"choices\" needs at least 2 choices, found \(choices.count)") }
        guard let goldValue = value["gold"] else { throw fail("missing field \"gold\"") }
        guard let gold = goldValue.intValue else {
            throw fail("expected an integer index in field \"gold\", found \(goldValue.numberText ?? goldValue.kindDescription)")
        }
        guard gold >= 0 && gold < choices.count else {
            throw fail("field \"gold\" is \(gold) but the choices are indexed 0..<\(choices.count)")
        }
        var split = TaskSplit.test
        if let splitValue = value["split"], splitValue != .null {
            guard let name = splitValue.stringValue, let parsed = TaskSplit(rawValue: name) else {
                let found = splitValue.stringValue.map { "\"\($0)\"" } ?? splitValue.kindDescription
                throw fail("field \"split\" must be \"train\", \"validation\" or \"test\", found \(found)")
            }
            split = parsed
        }
        return TaskItem(id: Int64(line), context: context, choices: choices, gold: gold, split: split)
    }
}
