import GRDB

/// Applies migrations in version order, each exactly once and in its own transaction, and
/// records them in `schema_migrations`.
///
///     let migrator = SchemaMigrator(migrations: try Migration.embedded())
///     try queue.writeWithoutTransaction { db in try migrator.migrate(db, path: "x.db") }
public struct SchemaMigrator: Sendable {
    public var migrations: [Migration]

    /// Kept in code rather than in a migration: it must exist before any migration runs.
    /// `schema/schema.sql` repeats it verbatim.
    static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )
        """

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Throws `foreignDatabase` when the file holds tables but no `schema_migrations`: it is not
    /// an InstructPT database (nor an empty one), and migrating it would mix two schemas.
    public static func refuseForeign(_ db: Database, path: String) throws {
        let names = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
        guard !names.isEmpty, !names.contains("schema_migrations") else { return }
        throw StoreError.foreignDatabase(path: path, tables: Array(names.prefix(5)))
    }

    public func migrate(_ db: Database, path: String) throws {
        try db.execute(sql: Self.createTableSQL)
        let applied = try appliedMigrations(db)
        try check(applied: applied, path: path)
        let pending = migrations.filter { applied[$0.version] == nil }
        guard !pending.isEmpty else { return }
        try withoutForeignKeys(db) {
            for migration in pending {
                try db.inTransaction {
                    try db.execute(sql: migration.sql)
                    if let violation = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
                        throw StoreError.migrationBreaksForeignKey(path: path, version: migration.version, name: migration.name,
                                                                  table: violation["table"], parent: violation["parent"])
                    }
                    try db.execute(
                        sql: "INSERT INTO schema_migrations (version, name, sha256) VALUES (?, ?, ?)",
                        arguments: [migration.version, migration.name, migration.sha256])
                    return .commit
                }
            }
        }
    }

    /// Runs `body` with foreign key enforcement off, as GRDB's DatabaseMigrator runs
    /// migrations: SQLite changes a column by rebuilding its table, and dropping the old table
    /// must neither cascade into the rows that reference it nor be refused because of them.
    /// Each migration checks every foreign key before it commits instead. The setting can only
    /// change outside a transaction, so it is switched around all pending migrations.
    private func withoutForeignKeys(_ db: Database, _ body: () throws -> Void) throws {
        let enforced = try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        let outcome = Result { try body() }
        if enforced { try db.execute(sql: "PRAGMA foreign_keys = ON") }
        try outcome.get()
    }

    /// For read-only opens: the database must be exactly at this binary's schema.
    public func checkUpToDate(_ db: Database, path: String) throws {
        guard try db.tableExists("schema_migrations") else {
            throw StoreError.needsMigration(path: path, pending: migrations.count)
        }
        let applied = try appliedMigrations(db)
        try check(applied: applied, path: path)
        let pending = migrations.filter { applied[$0.version] == nil }.count
        if pending > 0 { throw StoreError.needsMigration(path: path, pending: pending) }
    }

    private func appliedMigrations(_ db: Database) throws -> [Int: (name: String, sha256: String)] {
        var applied: [Int: (name: String, sha256: String)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT version, name, sha256 FROM schema_migrations") {
            applied[row["version"]] = (row["name"], row["sha256"])
        }
        return applied
    }

    private func check(applied: [Int: (name: String, sha256: String)], path: String) throws {
        if let newest = applied.keys.max(), newest > latestVersion {
            throw StoreError.newerSchema(path: path, databaseVersion: newest, knownVersion: latestVersion)
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw StoreError.unknownMigration(path: path, version: version, name: record.name)
            }
            if migration.sha256 != record.sha256 {
                throw StoreError.migrationChanged(path: path, version: version, name: record.name)
            }
        }
    }
}
