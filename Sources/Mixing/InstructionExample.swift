import Foundation
import JSONLines
import Store
import SynthesizerText

/// One example of instruction data: a general instruction–response pair, or context-based
/// task data (a text with its Q/A pairs, the synthesizer's fine-tuning shape).
///
///     let example = try InstructionExample.parse(line: bytes, path: "tasks.jsonl", line: 3)
///     print(example.pretrainingText)
public enum InstructionExample: Equatable, Sendable {
    case general(instruction: String, response: String)
    case context(context: String, pairs: [QAPair])

    public enum Kind: String, Sendable, Codable { case general, context }

    public var kind: Kind {
        if case .general = self { return .general }
        return .context
    }

    /// Parses one JSONL line: `{"instruction", "response"}` or `{"context", "pairs": [{"Q", "A"}, …]}`.
    public static func parse(line bytes: [UInt8], path: String, line: Int) throws(InstructionDataError) -> InstructionExample {
        let value: JSONValue
        do { value = try JSONParser.parse(line: bytes) } catch {
            throw .malformedJSON(path: path, line: line, reason: "\(error.message) at byte \(error.offset)")
        }
        guard case .object = value else { throw .wrongType(path: path, line: line, field: "(line)", expected: "an object", found: value.kindDescription) }
        if let field = value.pathOfNUL() { throw .nulCharacter(path: path, line: line, field: field) }
        func string(_ field: String, in object: JSONValue, at name: String) throws(InstructionDataError) -> String {
            guard let member = object[field] else { throw .missingField(path: path, line: line, field: name) }
            guard let text = member.stringValue else { throw .wrongType(path: path, line: line, field: name, expected: "a string", found: member.kindDescription) }
            guard !text.isEmpty else { throw .emptyField(path: path, line: line, field: name) }
            return text
        }
        if value["context"] != nil || value["pairs"] != nil {
            let context = try string("context", in: value, at: "context")
            guard let pairsValue = value["pairs"] else { throw .missingField(path: path, line: line, field: "pairs") }
            guard let items = pairsValue.arrayValue else { throw .wrongType(path: path, line: line, field: "pairs", expected: "an array", found: pairsValue.kindDescription) }
            guard !items.isEmpty else { throw .emptyField(path: path, line: line, field: "pairs") }
            var pairs: [QAPair] = []
            for (index, item) in items.enumerated() {
                guard case .object = item else { throw .wrongType(path: path, line: line, field: "pairs[\(index)]", expected: "an object", found: item.kindDescription) }
                pairs.append(QAPair(question: try string("Q", in: item, at: "pairs[\(index)].Q"), answer: try string("A", in: item, at: "pairs[\(index)].A")))
            }
            return .context(context: context, pairs: pairs)
        }
        if value["instruction"] != nil || value["response"] != nil {
            return .general(instruction: try string("instruction", in: value, at: "instruction"), response: try string("response", in: value, at: "response"))
        }
        throw .missingField(path: path, line: line, field: "instruction/response or context/pairs")
    }

    /// The pairs as stored in `instruction_examples.pairs_json`.
    public static func pairsJSON(_ pairs: [QAPair]) -> String {
        var out = JSONWriter()
        out.array { a in
            for pair in pairs {
                a.element { $0.object { o in o.member("Q") { $0.string(pair.question) }; o.member("A") { $0.string(pair.answer) } } }
            }
        }
        return out.text
    }

    /// Canonical JSON of the example; its SHA-256 identifies the example.
    public var canonicalJSON: String {
        var out = JSONWriter()
        switch self {
        case .general(let instruction, let response):
            out.object { o in o.member("instruction") { $0.string(instruction) }; o.member("response") { $0.string(response) } }
        case .context(let context, let pairs):
            out.object { o in
                o.member("context") { $0.string(context) }
                o.member("pairs") { json in
                    json.array { a in
                        for pair in pairs {
                            a.element { $0.object { o in o.member("Q") { $0.string(pair.question) }; o.member("A") { $0.string(pair.answer) } } }
                        }
                    }
                }
            }
        }
        return out.text
    }

    /// Lowercase hex SHA-256 of `canonicalJSON`: an example repeated within a set is stored once.
    public var sha256: String { Hex.sha256(canonicalJSON) }

    /// The example as one pre-training document (plain next-token prediction on all of it):
    /// instruction and response, or the context followed by its pairs, separated by blank lines.
    public var pretrainingText: String {
        switch self {
        case .general(let instruction, let response):
            return instruction + "\n\n" + response
        case .context(let context, let pairs):
            return ([context] + pairs.map { $0.question + "\n" + $0.answer }).joined(separator: "\n\n")
        }
    }
}

/// Bad instruction data, naming the file, line and field and what is expected.
///
///     catch let error as InstructionDataError { print(error.localizedDescription) }
public enum InstructionDataError: Error, LocalizedError, Equatable {
    case unreadable(path: String, reason: String)
    case malformedJSON(path: String, line: Int, reason: String)
    case missingField(path: String, line: Int, field: String)
    case wrongType(path: String, line: Int, field: String, expected: String, found: String)
    case emptyField(path: String, line: Int, field: String)
    case invalidUTF8(path: String, line: Int)
    case mixedKinds(path: String, line: Int, expected: String)
    case setExists(name: String)
    case empty(path: String)
    case nulCharacter(path: String, line: Int, field: String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read (\(reason))."
        case .malformedJSON(let path, let line, let reason): return "line \(line) of \(path): malformed JSON (\(reason)); fix the line or pass --skip-invalid."
        case .missingField(let path, let line, let field): return "line \(line) of \(path): missing field \"\(field)\"; each line needs {\"instruction\", \"response\"} or {\"context\", \"pairs\": [{\"Q\", \"A\"}]}."
        case .wrongType(let path, let line, let field, let expected, let found): return "line \(line) of \(path): expected \(expected) in field \"\(field)\", found \(found)."
        case .emptyField(let path, let line, let field): return "line \(line) of \(path): field \"\(field)\" is empty; drop the line or pass --skip-invalid."
        case .invalidUTF8(let path, let line): return "line \(line) of \(path): not valid UTF-8; re-encode the file as UTF-8."
        case .mixedKinds(let path, let line, let expected): return "line \(line) of \(path): this set holds \(expected) examples; put the other kind in its own file and set."
        case .setExists(let name): return "instruction set \"\(name)\" already exists; choose another --name."
        case .empty(let path): return "\(path): no examples; a set needs at least one."
        case .nulCharacter(let path, let line, let field): return "line \(line) of \(path): field \"\(field)\" contains a NUL character (\\u0000), which the database cannot store; remove it or pass --skip-invalid."
        }
    }
}
