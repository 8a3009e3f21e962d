import Foundation
import GRDB
import Testing
@testable import Store

/// A fresh temporary directory for one test's database files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-store-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The schema objects of a database, as SQLite records them, with comments and white space
/// normalized so formatting does not matter but every definition does.
func normalizedSchema(_ db: Database) throws -> [String] {
    let rows = try Row.fetchAll(db, sql: """
        SELECT type, name, sql FROM sqlite_master
        WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
        ORDER BY type, name
        """)
    return rows.map { row in
        let sql: String = row["sql"]
        let withoutComments = sql.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                if let range = line.range(of: "--") { return line[..<range.lowerBound] }
                return line
            }
            .joined(separator: " ")
        let collapsed = withoutComments.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
            .replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
            .replacingOccurrences(of: " ,", with: ",")  // ALTER TABLE … ADD COLUMN appends ", col" after the last line
        return "\(row["type"] as String) \(row["name"] as String): \(collapsed)"
    }
}

@Suite struct SchemaTests {
    @Test func migrationsYieldExactlySchemaSQL() throws {
        let directory = try temporaryDirectory()
        let migrated = try Store.open(path: directory.appendingPathComponent("migrated.db").path)
        let fromSchema = try DatabaseQueue(path: directory.appendingPathComponent("schema.db").path)
        let schemaSQL = try String(contentsOf: packageRoot.appendingPathComponent("schema/schema.sql"), encoding: .utf8)
        try fromSchema.write { db in try db.execute(sql: schemaSQL) }
        let expected = try fromSchema.read(normalizedSchema)
        let actual = try migrated.read(normalizedSchema)
        #expect(actual == expected)
        #expect(!actual.isEmpty)
    }

    @Test func everyMigrationFileInTheRepositoryIsEmbedded() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("migrations").path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        let embedded = try Migration.embedded()
        #expect(embedded.map { String(format: "%04d_%@.sql", $0.version, $0.name) } == files)
        // Versions only grow (numbers may be reserved for work not merged yet).
        #expect(embedded.map(\.version) == Array(Set(embedded.map(\.version))).sorted())
        #expect(embedded.first?.version == 1)
    }

    @Test func migrationsApplyOnceAndAreRecorded() throws {
        let path = try temporaryDirectory().appendingPathComponent("x.db").path
        _ = try Store.open(path: path)
        let store = try Store.open(path: path)
        let recorded = try store.read { db in try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations ORDER BY version") }
        #expect(recorded == (try Migration.embedded()).map(\.version))
        #expect(try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try store.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func refusesADatabaseWithANewerSchema() throws {
        let path = try temporaryDirectory().appendingPathComponent("newer.db").path
        let store = try Store.open(path: path)
        let latest = try Migration.embedded().last?.version ?? 0
        try store.write { db in
            try db.execute(sql: "INSERT INTO schema_migrations (version, name, sha256) VALUES (?, 'from_the_future', 'x')",
                           arguments: [latest + 1])
        }
        #expect {
            _ = try Store.open(path: path)
        } throws: { error in
            (error as? StoreError) == .newerSchema(path: path, databaseVersion: latest + 1, knownVersion: latest)
                && error.localizedDescription.contains("upgrade ipt")
        }
    }

    @Test func refusesADatabaseMigratedFromADifferentFile() throws {
        let path = try temporaryDirectory().appendingPathComponent("edited.db").path
        let store = try Store.open(path: path)
        try store.write { db in try db.execute(sql: "UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1") }
        #expect(throws: StoreError.self) { _ = try Store.open(path: path) }
    }

    @Test func readOnlyOpenNeedsAnExistingUpToDateDatabase() throws {
        let directory = try temporaryDirectory()
        let missing = directory.appendingPathComponent("missing.db").path
        #expect(throws: StoreError.missingDatabase(path: missing)) { _ = try Store.open(path: missing, mode: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: missing))
        let empty = directory.appendingPathComponent("empty.db").path
        _ = try DatabaseQueue(path: empty)
        #expect(throws: StoreError.self) { _ = try Store.open(path: empty, mode: .readOnly) }
    }
}
