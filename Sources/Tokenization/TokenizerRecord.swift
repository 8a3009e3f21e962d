import Foundation
import GRDB

/// The family a tokenizer belongs to, as stored in `tokenizers.kind`.
///
///     tokenizer.kind   // .byteLevelBPE for GPT-2-style, .sentencePieceBPE for Llama/Mistral
public enum TokenizerKind: String, Codable, Sendable, DatabaseValueConvertible {
    case byteLevelBPE = "byte_level_bpe"
    case sentencePieceBPE = "sentencepiece_bpe"
}

/// Whether a stored tokenizer was trained here or imported from a file.
///
///     record.origin == .trained
public enum TokenizerOrigin: String, Codable, Sendable, DatabaseValueConvertible {
    case trained, imported
}

/// A stored tokenizer (`tokenizers` table): its tokenizer.json text, hash and provenance.
///
///     let record = try TokenizerRepository.tokenizer(named: "man-8k", in: db)
///     let tokenizer = try record?.load()
///     record?.sha256   // hex SHA-256 of the json text
public struct TokenizerRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "tokenizers"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    public var name: String
    public var kind: TokenizerKind
    public var vocabSize: Int
    public var json: String
    public var sha256: String
    public var origin: TokenizerOrigin
    public var importedFrom: String?
    public var trainedSource: String?
    public var trainedSplit: String?
    public var trainedTexts: Int?
    public var trainedBytes: Int?

    public enum Columns {
        static let name = Column("name")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The tokenizer this row holds.
    public func load() throws -> Tokenizer {
        try Tokenizer(json: Array(json.utf8), origin: "tokenizer \"\(name)\" in the database")
    }

    /// Its line in `ipt tokenizer list`: id, name, kind, vocabulary, provenance, hash prefix (tab-separated).
    public var listing: String {
        let provenance = origin == .trained
            ? "trained on \(trainedTexts ?? 0) texts" + (trainedSource.map { " of \($0)" } ?? "")
            : "imported from \(importedFrom ?? "?")"
        return "\(id ?? 0)\t\(name)\t\(kind.rawValue)\tvocab \(vocabSize)\t\(provenance)\t\(sha256.prefix(12))"
    }
}
