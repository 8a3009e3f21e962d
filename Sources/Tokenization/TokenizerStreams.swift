import Foundation
import JSONLines
import Store

extension Tokenizer {
    /// A tokenizer.json file if `fileOrName` is one, else the tokenizer stored under that name
    /// in the database at `databasePath` (opened read-only).
    ///
    ///     let tokenizer = try Tokenizer.load(fileOrName: "man8k", databasePath: "corpus.db")
    public static func load(fileOrName: String, databasePath: String) throws -> Tokenizer {
        if FileManager.default.fileExists(atPath: fileOrName) {
            return try Tokenizer(json: Array(try readFile(fileOrName).utf8), origin: fileOrName)
        }
        guard FileManager.default.fileExists(atPath: databasePath) else { throw TokenizerError.unknownTokenizer(name: fileOrName) }
        let store = try Store.open(path: databasePath, mode: .readOnly)
        guard let record = try store.read({ db in try TokenizerRepository.tokenizer(named: fileOrName, in: db) }) else {
            throw TokenizerError.unknownTokenizer(name: fileOrName)
        }
        return try record.load()
    }

    /// Stores the tokenizer.json at `path` byte for byte under `name` in the database at
    /// `databasePath`, which is opened (and created) only once the file has been read.
    public static func importFile(_ path: String, name: String, databasePath: String) throws -> TokenizerRecord {
        let json = try readFile(path)
        return try Store.open(path: databasePath).write { db in
            try TokenizerRepository.insert(name: name, json: json, origin: .imported, importedFrom: path, in: db)
        }
    }

    /// A UTF-8 text file's contents (a tokenizer.json), with an error naming the file.
    public static func readFile(_ path: String) throws(TokenizerError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw .unreadableFile(path: path, reason: "not valid UTF-8") }
        return text
    }

    /// JSONL `{"text": …}` lines in, `{"ids": […]}` lines out, one for one and in order.
    public func encodeLines(from reader: JSONLTextReader, to output: LineWriter, addSpecialTokens: Bool) throws {
        var ids: [UInt32] = []
        while let text = try reader.next() {
            ids.removeAll(keepingCapacity: true)
            encode(text, addSpecialTokens: addSpecialTokens, into: &ids)
            var line = JSONWriter()
            line.object { o in o.member("ids") { $0.array(ofIntegers: ids) } }
            try output.write(line: line.bytes)
        }
        try output.close()
    }

    /// JSONL `{"ids": […]}` lines in, `{"text": …}` lines out: the inverse of `encodeLines`.
    public func decodeLines(from reader: JSONLTextReader, to output: LineWriter) throws {
        while let ids = try reader.nextIds() {
            let text: String
            do {
                text = try decode(ids)
            } catch let error as TokenizerError {
                throw TokenizerError.invalidInputLine(origin: reader.origin, line: reader.lineNumber, message: error.localizedDescription)
            }
            var line = JSONWriter()
            line.object { o in o.member("text") { $0.string(text) } }
            try output.write(line: line.bytes)
        }
        try output.close()
    }
}
