import Corpus
import Foundation
import Store
import Testing

/// Every kind of bad input stops the ingest with a message naming the file and line, and the
/// bad file changes nothing in the database.
@Suite struct BadInputTests {
    static let cases: [(name: String, line: String, message: String)] = [
        ("malformed JSON", #"{"text": "unterminated}"#, "malformed JSON"),
        ("missing text field", #"{"id": "x", "body": "no text field"}"#, "missing field \"text\""),
        ("number instead of text", #"{"text": 42}"#, "expected a string in field \"text\", found a number"),
        ("null text", #"{"text": null}"#, "expected a string in field \"text\", found null"),
        ("empty text", #"{"text": ""}"#, "field \"text\" is empty"),
        ("white-space text", #"{"text": "  \n "}"#, "field \"text\" is empty"),
        ("not an object", #"["text"]"#, "expected a JSON object, found an array"),
        ("object id", #"{"id": {}, "text": "t"}"#, "expected a string or number in field \"id\""),
        ("lone surrogate", #"{"text": "\ud800"}"#, "not valid Unicode"),
        ("NUL character", #"{"text": "a\u0000b"}"#, "contains a NUL character"),
        ("NUL in the id", #"{"id": "doc\u0000-7", "text": "fine"}"#, "field \"id\" contains a NUL character"),
    ]

    @Test(arguments: 0..<cases.count)
    func badLineRollsBackItsFileAndNamesFileAndLine(index: Int) throws {
        let bad = Self.cases[index]
        let scratch = try Scratch()
        let good = try scratch.writeJSONL("good.jsonl", texts: ["already here"])
        _ = try scratch.ingest([good])
        let before = try scratch.fingerprint()
        let file = try scratch.write("bad.jsonl", #"{"text": "fine line 1"}"# + "\n" + #"{"text": "fine line 2"}"# + "\n" + bad.line + "\n")
        #expect("\(bad.name)") {
            _ = try scratch.ingest([file])
        } throws: { error in
            guard case let .invalidLine(path, line, message)? = error as? IngestError else { return false }
            let text = error.localizedDescription
            return path == file && line == 3 && message.contains(bad.message)
                && text.contains("line 3 of \(file)") && text.contains("changed nothing")
        }
        #expect(try scratch.fingerprint() == before, "\(bad.name) must change nothing")
        #expect(try scratch.store.integrityCheck() == ["ok"])
    }

    @Test func invalidUTF8InAJSONLineIsRejected() throws {
        let scratch = try Scratch()
        let before = try scratch.fingerprint()
        var bytes = Array(#"{"text": "ok"}"#.utf8) + [0x0A]
        bytes += Array(#"{"text": "bad "#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8) + [0x0A]
        let file = try scratch.write("utf8.jsonl", bytes)
        #expect {
            _ = try scratch.ingest([file])
        } throws: { error in
            guard case let .invalidLine(_, line, message)? = error as? IngestError else { return false }
            return line == 2 && message.contains("invalid UTF-8")
        }
        #expect(try scratch.fingerprint() == before)
    }

    @Test func invalidUTF8OrEmptyTextFilesAreRejected() throws {
        let scratch = try Scratch()
        let before = try scratch.fingerprint()
        let bad = try scratch.write("bad.txt", Array("line one\nline two \u{e9}\n".utf8) + [0xFF] + Array("\n".utf8))
        #expect {
            _ = try scratch.ingest([bad])
        } throws: { error in
            guard case let .invalidDocument(path, message)? = error as? IngestError else { return false }
            return path == bad && message.contains("line 3: invalid UTF-8")
        }
        let empty = try scratch.write("empty.txt", "")
        #expect(throws: IngestError.invalidDocument(path: empty, message: "the document is empty")) {
            _ = try scratch.ingest([empty])
        }
        #expect(try scratch.fingerprint() == before)
    }

    @Test func skipInvalidSkipsAndReportsEachBadLine() throws {
        let scratch = try Scratch()
        let lines = [#"{"text": "one"}"#, #"{"text": 1}"#, "not json", #"{"text": "two"}"#, #"{"text": ""}"#]
        let file = try scratch.write("mixed.jsonl", lines.joined(separator: "\n"))
        let summary = try scratch.ingest([file]) { $0.skipInvalid = true }
        #expect(summary.textsAdded == 2)
        #expect(summary.skipped.map(\.line) == [2, 3, 5])
        #expect(summary.skipped.allSatisfy { $0.path == file })
        #expect(try scratch.rawTexts() == ["one", "two"])
        let skippedCount = try scratch.store.read { db in try Int.fetchOne(db, sql: "SELECT lines_skipped FROM ingests") }
        #expect(skippedCount == 3)
    }

    @Test func aBadFileStopsTheIngestButEarlierFilesStay() throws {
        let scratch = try Scratch()
        let first = try scratch.writeJSONL("1-first.jsonl", texts: ["kept"])
        let second = try scratch.write("2-second.jsonl", "{oops}\n")
        #expect(throws: IngestError.self) { _ = try scratch.ingest([first, second]) }
        #expect(try scratch.rawTexts() == ["kept"])
    }

    @Test func unreadableOrUnknownPathsFailBeforeAnythingIsWritten() throws {
        let scratch = try Scratch()
        let good = try scratch.writeJSONL("good.jsonl", texts: ["would be added"])
        let before = try scratch.fingerprint()
        let missing = scratch.path("missing.jsonl")
        #expect(throws: IngestError.unreadablePath(path: missing, reason: "no such file or directory")) {
            _ = try scratch.ingest([good, missing])
        }
        let unknown = try scratch.write("data.csv", "a,b\n")
        #expect(throws: IngestError.unknownFormat(path: unknown)) { _ = try scratch.ingest([good, unknown]) }
        #expect(try scratch.fingerprint() == before)
    }

    @Test func corruptGzipIsAnErrorThatChangesNothing() throws {
        let scratch = try Scratch()
        let file = try scratch.writeJSONL("z.jsonl", texts: (0..<2000).map { "text number \($0) with some padding to compress" })
        try gzip(file)
        let data = try Data(contentsOf: URL(fileURLWithPath: file + ".gz"))
        let truncated = try scratch.write("truncated.jsonl.gz", Array(data.prefix(data.count / 2)))
        let before = try scratch.fingerprint()
        #expect(throws: IngestError.self) { _ = try scratch.ingest([truncated]) }
        #expect(try scratch.fingerprint() == before)
    }
}
