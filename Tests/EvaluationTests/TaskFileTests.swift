import Testing
@testable import Evaluation

@Suite struct TaskFileTests {
    func parse(_ text: String) throws(EvaluationError) -> [TaskItem] {
        try TaskFile.parse(bytes: Array(text.utf8), path: "task.jsonl")
    }

    @Test func readsItemsWithSplitsAndSkipsBlankLines() throws {
        let items = try parse("""
            {"context": "Q1", "choices": ["a", "b"], "gold": 1, "split": "train"}

            {"context": "Q2", "choices": ["a", "b", "c"], "gold": 2}
            """)
        #expect(items == [
            TaskItem(id: 1, context: "Q1", choices: ["a", "b"], gold: 1, split: .train),
            TaskItem(id: 3, context: "Q2", choices: ["a", "b", "c"], gold: 2, split: .test),
        ])
    }

    @Test(arguments: [
        (#"{"context": "Q", "choices": ["a", "b"], "gold": 2}"#, "field \"gold\" is 2 but the choices are indexed 0..<2"),
        (#"{"context": "Q", "choices": ["a"], "gold": 0}"#, "needs at least 2 choices"),
        (#"{"context": "Q", "gold": 0}"#, "missing field \"choices\""),
        (#"{"context": 5, "choices": ["a", "b"], "gold": 0}"#, "expected a string in field \"context\", found a number"),
        (#"{"context": "Q", "choices": ["a", 3], "gold": 0}"#, "\"choices\"[1], found a number"),
        (#"{"context": "Q", "choices": ["a", "b"], "gold": 0.5}"#, "expected an integer index in field \"gold\", found 0.5"),
        (#"{"context": "Q", "choices": ["a", "b"], "gold": 0, "split": "dev"}"#, "found \"dev\""),
        (#"{"context": "", "choices": ["a", "b"], "gold": 0}"#, "field \"context\" is empty"),
        (#"{"context": "Q", "choices": ["a", "b"], "gold": 0"#, "invalid JSON"),
        (#"["Q", ["a", "b"], 0]"#, "expected a JSON object, found an array"),
        (#"{"context": "Q\u0000 cut here", "choices": ["a", "b"], "gold": 0}"#, "field \"context\" contains a NUL character"),
        (#"{"context": "Q", "choices": ["a", "b\u0000"], "gold": 0}"#, "field \"choices[1]\" contains a NUL character"),
    ])
    func badLinesNameTheFileTheLineAndTheProblem(line: String, message: String) {
        let good = #"{"context": "ok", "choices": ["a", "b"], "gold": 0}"#
        do {
            _ = try parse(good + "\n" + good + "\n" + line + "\n")
            Issue.record("no error for \(line)")
        } catch {
            let description = error.localizedDescription
            #expect(description.hasPrefix("line 3 of task.jsonl: "), "\(description)")
            #expect(description.contains(message), "\(description)")
        }
    }

    @Test func emptyAndMissingFilesAreErrors() {
        #expect(throws: EvaluationError.emptyTask(path: "task.jsonl")) { _ = try parse("\n\n") }
        #expect(throws: EvaluationError.self) { _ = try TaskFile.read(path: "/nonexistent/task.jsonl") }
    }
}
