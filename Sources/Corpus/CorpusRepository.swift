import Foundation
import GRDB

/// The only place the corpus tables (`sources`, `ingests`, `raw_texts`, `raw_texts_fts`) are
/// read and written with SQL. Every function runs inside the caller's transaction.
///
///     try store.write { db in
///         let source = try CorpusRepository.source(named: "notes", in: db)
///         _ = try CorpusRepository.insertRawText(PreparedText(text: "hello", externalId: nil),
///                                                sourceId: source.id, ingestId: nil, split: .train, in: db)
///     }
public enum CorpusRepository {
    /// The source called `name`, created if it does not exist yet.
    public static func source(named name: String, in db: Database) throws -> Source {
        if let existing = try Source.filter(Source.Columns.name == name).fetchOne(db) {
            return existing
        }
        try db.execute(sql: "INSERT INTO sources (name) VALUES (?)", arguments: [name])
        return Source(id: db.lastInsertedRowID, name: name)
    }

    public static func existingSource(named name: String, in db: Database) throws -> Source? {
        try Source.filter(Source.Columns.name == name).fetchOne(db)
    }

    public static func insertIngest(_ ingest: inout Ingest, in db: Database) throws {
        try ingest.insert(db)
    }

    public static func updateIngest(_ ingest: Ingest, in db: Database) throws {
        try ingest.update(db)
    }

    /// Inserts a text unless one with the same SHA-256 exists. Returns true if it was added.
    public static func insertRawText(
        _ prepared: PreparedText, sourceId: Int64, ingestId: Int64?, split: Split, in db: Database
    ) throws -> Bool {
        // Most re-ingested texts are duplicates: a lookup in the sha256 index is much cheaper
        // than handing SQLite the whole text only to have the insert ignored.
        let exists = try db.cachedStatement(sql: "SELECT 1 FROM raw_texts WHERE sha256 = ?")
        if try Int.fetchOne(exists, arguments: [prepared.sha256]) != nil { return false }
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO raw_texts
                (source_id, ingest_id, external_id, split, text, sha256, char_count, byte_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            sourceId, ingestId, prepared.externalId, split, prepared.text, prepared.sha256,
            prepared.charCount, prepared.byteCount,
        ])
        return db.changesCount > 0
    }

    /// Convenience for a single text: prepares (hashes) it, then inserts it as above.
    public static func insertRawText(
        text: String, externalId: String?, sourceId: Int64, ingestId: Int64?, split: Split, in db: Database
    ) throws -> Bool {
        try insertRawText(PreparedText(text: text, externalId: externalId), sourceId: sourceId, ingestId: ingestId, split: split, in: db)
    }

    public static func rawText(id: Int64, in db: Database) throws -> RawText? {
        try RawText.fetchOne(db, key: id)
    }

    /// Raw texts in id order, optionally restricted to a source and/or a split.
    public static func forEachRawText(
        source: String?, split: Split?, in db: Database, _ body: (RawText) throws -> Void
    ) throws {
        let (whereClause, arguments) = rawTextFilter(source: source, split: split)
        let cursor = try RawText.fetchCursor(db, sql: "SELECT * FROM raw_texts \(whereClause) ORDER BY id", arguments: arguments)
        while let text = try cursor.next() { try body(text) }
    }

    /// How many raw texts `forEachRawText` with the same filter visits, and their UTF-8 bytes.
    public static func rawTextTotals(source: String?, split: Split?, in db: Database) throws -> (texts: Int, bytes: Int) {
        let (whereClause, arguments) = rawTextFilter(source: source, split: split)
        let row = try Row.fetchOne(db, sql: "SELECT count(*) AS texts, coalesce(sum(byte_count), 0) AS bytes FROM raw_texts \(whereClause)",
                                   arguments: arguments)
        return (row?["texts"] ?? 0, row?["bytes"] ?? 0)
    }

    private static func rawTextFilter(source: String?, split: Split?) -> (whereClause: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let source {
            conditions.append("source_id = (SELECT id FROM sources WHERE name = ?)")
            arguments += [source]
        }
        if let split {
            conditions.append("split = ?")
            arguments += [split]
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    /// Full-text search over raw texts (FTS5 query syntax), best matches first.
    public static func search(_ query: String, limit: Int, in db: Database) throws -> [SearchHit] {
        do {
            return try SearchHit.fetchAll(db, sql: """
                SELECT r.id, r.external_id, s.name AS source, r.split,
                       snippet(raw_texts_fts, 0, '[', ']', '…', 16) AS snippet
                FROM raw_texts_fts
                JOIN raw_texts r ON r.id = raw_texts_fts.rowid
                JOIN sources s ON s.id = r.source_id
                WHERE raw_texts_fts MATCH ?
                ORDER BY rank, r.id
                LIMIT ?
                """, arguments: [query, limit])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            throw CorpusError.invalidSearch(query: query, message: error.message ?? "syntax error")
        }
    }

    /// Counts per source and split, for `ipt stats`.
    public static func sourceStats(in db: Database) throws -> [SourceStats] {
        try SourceStats.fetchAll(db, sql: """
            SELECT s.name AS source, r.split AS split, count(*) AS texts,
                   sum(r.char_count) AS chars, sum(r.byte_count) AS bytes
            FROM raw_texts r JOIN sources s ON s.id = r.source_id
            GROUP BY s.id, r.split
            ORDER BY s.name, r.split
            """)
    }
}

/// One `ipt search` result: which raw text, and the matching passage with `[`…`]` marks.
public struct SearchHit: Codable, FetchableRecord, Sendable, Equatable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: Int64
    public var externalId: String?
    public var source: String
    public var split: Split
    public var snippet: String
}

/// Texts, characters and bytes of one source and split.
public struct SourceStats: Codable, FetchableRecord, Sendable, Equatable {
    public var source: String
    public var split: Split
    public var texts: Int
    public var chars: Int
    public var bytes: Int
}

/// Errors of corpus queries.
public enum CorpusError: Error, LocalizedError, Equatable {
    case invalidSearch(query: String, message: String)
    case unknownSource(String)

    public var errorDescription: String? {
        switch self {
        case let .invalidSearch(query, message):
            return "invalid search \"\(query)\": \(message) (FTS5 syntax: words, \"phrases\", AND/OR/NOT, prefix*)"
        case let .unknownSource(name):
            return "no source named \(name) (see `ipt stats`)"
        }
    }
}
