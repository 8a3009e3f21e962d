import Crypto
import Foundation

/// One file of `migrations/` (`NNNN_name.sql`), embedded in the binary at build time.
///
///     let all = try Migration.embedded()      // sorted by version
///     all.last?.version                       // the schema version this binary knows
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
    /// Hex SHA-256 of the file, recorded when applied so an edited migration is detected.
    public var sha256: String

    public init(fileName: String, sql: String) throws {
        let stem = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : ""
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0,
              !parts[1].isEmpty else {
            throw StoreError.invalidMigrationName(fileName)
        }
        self.version = version
        self.name = String(parts[1])
        self.sql = sql
        self.sha256 = Hex.sha256(Data(sql.utf8))
    }

    /// The migrations shipped in this binary, in version order.
    public static func embedded() throws -> [Migration] {
        try EmbeddedMigrations.files
            .map { try Migration(fileName: $0.name, sql: $0.contents) }
            .sorted { $0.version < $1.version }
    }
}
