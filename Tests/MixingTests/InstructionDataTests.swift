import Foundation
import GRDB
import SynthesizerText
import Testing
@testable import Mixing

@Suite struct InstructionDataTests {
    @Test func generalAndContextSetsAreIngestedInFileOrderWithDuplicatesOnce() throws {
        let (store, _, _) = try fixtureStore()
        let directory = try temporaryDirectory()
        let general = try writeFile("""
            {"instruction": "Add 2 and 3.", "response": "5"}
            {"instruction": "Name a colour.", "response": "Blue"}
            {"instruction": "Add 2 and 3.", "response": "5"}
            """, in: directory, name: "general.jsonl")
        let summary = try InstructionIngester(store: store).ingest(path: general, name: "general")
        #expect(summary.kind == .general && summary.added == 2 && summary.duplicates == 1)
        let context = try writeFile("""
            {"context": "The sky is blue.", "pairs": [{"Q": "What colour is the sky?", "A": "Blue"}, {"Q": "Is it green?", "A": "No"}]}
            """, in: directory, name: "tasks.jsonl")
        #expect(try InstructionIngester(store: store).ingest(path: context, name: "tasks").kind == .context)
        let examples = try store.read { db in try MixingRepository.examples(setName: "tasks", in: db).examples.map(\.example) }
        #expect(examples == [.context(context: "The sky is blue.", pairs: [QAPair(question: "What colour is the sky?", answer: "Blue"), QAPair(question: "Is it green?", answer: "No")])])
        #expect(examples[0].pretrainingText == "The sky is blue.\n\nWhat colour is the sky?\nBlue\n\nIs it green?\nNo")
    }

    @Test func aBadLineNamesFileLineAndFieldAndChangesNothing() throws {
        let (store, _, _) = try fixtureStore()
        let directory = try temporaryDirectory()
        let path = try writeFile("""
            {"instruction": "ok", "response": "fine"}
            {"instruction": "ok", "response": 7}
            """, in: directory, name: "bad.jsonl")
        #expect(throws: InstructionDataError.wrongType(path: path, line: 2, field: "response", expected: "a string", found: "a number")) {
            try InstructionIngester(store: store).ingest(path: path, name: "bad")
        }
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM instruction_sets") } == 0)
        let skipped = try InstructionIngester(store: store, skipInvalid: true).ingest(path: path, name: "bad")
        #expect(skipped.added == 1 && skipped.skipped.count == 1)

        let cases: [(String, InstructionDataError)] = [
            ("{\"context\": \"t\", \"pairs\": []}", .emptyField(path: directory + "/c.jsonl", line: 1, field: "pairs")),
            ("{\"context\": \"t\", \"pairs\": [{\"Q\": \"q\"}]}", .missingField(path: directory + "/c.jsonl", line: 1, field: "pairs[0].A")),
            ("{\"text\": \"t\"}", .missingField(path: directory + "/c.jsonl", line: 1, field: "instruction/response or context/pairs")),
            ("{\"instruction\": \"a\", \"response\": \"b\"}\n{\"context\": \"t\", \"pairs\": [{\"Q\": \"q\", \"A\": \"a\"}]}",
             .mixedKinds(path: directory + "/c.jsonl", line: 2, expected: "general")),
            ("{\"instruction\": \"cut\\u0000here\", \"response\": \"b\"}", .nulCharacter(path: directory + "/c.jsonl", line: 1, field: "instruction")),
            ("{\"context\": \"t\", \"pairs\": [{\"Q\": \"q\", \"A\": \"a\\u0000\"}]}", .nulCharacter(path: directory + "/c.jsonl", line: 1, field: "pairs[0].A")),
        ]
        for (index, (text, error)) in cases.enumerated() {
            let file = try writeFile(text, in: directory, name: "c.jsonl")
            #expect(throws: error) { try InstructionIngester(store: store).ingest(path: file, name: "c\(index)") }
        }
        #expect(throws: InstructionDataError.self) { try InstructionIngester(store: store).ingest(path: directory + "/nope.jsonl", name: "x") }
    }
}
