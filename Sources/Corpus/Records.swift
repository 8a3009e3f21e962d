import Foundation
import GRDB

/// A named origin of raw texts (`sources` table).
///
///     let source = try CorpusRepository.source(named: "man-pages", in: db)
///     source.id   // stable id, referenced by raw_texts.source_id
public struct Source: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "sources"
    public var id: Int64
    public var name: String

    public enum Columns {
        static let id = Column("id")
        static let name = Column("name")
    }
}

/// A raw text as stored (`raw_texts` table): unique by the SHA-256 of its UTF-8 bytes.
///
///     let text = try RawText.fetchOne(db, key: 1)
///     text?.externalId   // the id it had in the input file, if any
public struct RawText: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "raw_texts"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64
    public var sourceId: Int64
    public var ingestId: Int64?
    public var externalId: String?
    public var split: Split
    public var text: String
    /// Lowercase hex SHA-256 of the text's UTF-8 bytes.
    public var sha256: String
    public var charCount: Int
    public var byteCount: Int

    public enum Columns {
        static let id = Column("id")
        static let sourceId = Column("source_id")
        static let split = Column("split")
        static let externalId = Column("external_id")
    }
}

/// One input file read by `ipt ingest` (`ingests` table) and what it added.
///
///     let history = try Ingest.order(Column("id").desc).fetchAll(db)
public struct Ingest: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "ingests"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    public var sourceId: Int64
    public var path: String
    public var format: InputFormat
    public var split: Split
    public var bytesRead: Int
    public var textsAdded: Int
    public var textsDuplicate: Int
    public var linesSkipped: Int

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
