import Foundation
import GRDB
import Store

/// The only place the `tokenizers` table is read and written with SQL. Every function runs
/// inside the caller's transaction.
///
///     try store.write { db in
///         let record = try TokenizerRepository.insert(name: "man-8k", json: text, origin: .imported,
///                                                     importedFrom: "tok.json", in: db)
///     }
///     let tokenizer = try store.read { db in try TokenizerRepository.tokenizer(named: "man-8k", in: db) }?.load()
public enum TokenizerRepository {
    /// Provenance of a trained tokenizer: which raw texts it saw.
    public struct Training: Sendable, Equatable {
        public var source: String?
        public var split: String?
        public var texts: Int
        public var bytes: Int

        public init(source: String?, split: String?, texts: Int, bytes: Int) {
            self.source = source
            self.split = split
            self.texts = texts
            self.bytes = bytes
        }
    }

    /// Stores a tokenizer.json under a new name after checking that it loads.
    @discardableResult
    public static func insert(
        name: String, json: String, origin: TokenizerOrigin, importedFrom: String? = nil,
        training: Training? = nil, in db: Database
    ) throws -> TokenizerRecord {
        let tokenizer = try Tokenizer(json: Array(json.utf8), origin: importedFrom ?? "tokenizer \"\(name)\"")
        if try TokenizerRecord.filter(TokenizerRecord.Columns.name == name).fetchCount(db) > 0 {
            throw TokenizerError.duplicateName(name)
        }
        var record = TokenizerRecord(
            id: nil, name: name, kind: tokenizer.kind, vocabSize: tokenizer.vocabularySize, json: json,
            sha256: Hex.sha256(json), origin: origin, importedFrom: importedFrom,
            trainedSource: training?.source, trainedSplit: training?.split,
            trainedTexts: training?.texts, trainedBytes: training?.bytes)
        try record.insert(db)
        return record
    }

    public static func tokenizer(named name: String, in db: Database) throws -> TokenizerRecord? {
        try TokenizerRecord.filter(TokenizerRecord.Columns.name == name).fetchOne(db)
    }

    public static func tokenizer(id: Int64, in db: Database) throws -> TokenizerRecord? {
        try TokenizerRecord.fetchOne(db, key: id)
    }

    /// Every stored tokenizer, oldest first.
    public static func all(in db: Database) throws -> [TokenizerRecord] {
        try TokenizerRecord.order(Column("id")).fetchAll(db)
    }
}
