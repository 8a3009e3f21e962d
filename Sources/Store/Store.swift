import Foundation
import GRDB

/// The InstructPT database: one SQLite file (WAL, foreign keys on, busy timeout) that holds
/// every stage's tables. Opening it for writing applies pending migrations.
///
/// Access is shaped like GRDB's demo `AppDatabase`: the connection is private, the schema
/// changes only through `migrations/`, anyone may `read`, and writes go through the stages.
/// `write` and `writeImmediately` stay public because each stage is its own module: a stage's
/// repository functions take the `Database` of a transaction so the stage can make one unit of
/// work of several of them (a templify run, a queue claim), and a Store method per unit of work
/// would make Store depend on every stage. The command line and the demo call stage functions
/// (`Snapshot.create`, `Mixture.create`, `SynthRunSetup.createRun`, …), never `write`.
///
///     let store = try Store.open(path: "instructpt.db")
///     let count = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM raw_texts") }
///     let readOnly = try Store.open(path: "instructpt.db", mode: .readOnly)
public final class Store: Sendable {
    public enum Mode: Sendable {
        /// Create the file if needed and bring its schema up to date.
        case readWrite
        /// Open an existing, up-to-date database; any write fails.
        case readOnly
    }

    public let path: String
    public let mode: Mode
    /// The single connection; GRDB serializes access to it. Private: every read and write goes
    /// through `read`, `write` or one of the narrow methods below.
    private let queue: DatabaseQueue

    private init(path: String, mode: Mode, queue: DatabaseQueue) {
        self.path = path
        self.mode = mode
        self.queue = queue
    }

    public static func open(path: String, mode: Mode = .readWrite) throws -> Store {
        if mode == .readOnly && !FileManager.default.fileExists(atPath: path) {
            throw StoreError.missingDatabase(path: path)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        configuration.readonly = mode == .readOnly
        configuration.prepareDatabase { db in
            // Before anything can change the file (the WAL switch rewrites its header, the
            // migrator creates tables): a database some other program made is left as it was.
            try SchemaMigrator.refuseForeign(db, path: path)
            if !db.configuration.readonly {
                // WAL: readers never block the writer; NORMAL sync is durable across process
                // crashes (kill -9), which is the guarantee the pipeline needs.
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        let store = Store(path: path, mode: mode, queue: queue)
        let migrator = SchemaMigrator(migrations: try Migration.embedded())
        switch mode {
        case .readWrite:
            try queue.writeWithoutTransaction { db in try migrator.migrate(db, path: path) }
        case .readOnly:
            try queue.read { db in try migrator.checkUpToDate(db, path: path) }
        }
        return store
    }

    /// Runs `body` in a read transaction.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }

    /// Runs `body` in one write transaction: all of it commits, or none of it does. For the
    /// stages' units of work (see the type's notes).
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.write(body)
    }

    /// Runs `body` in one immediate transaction: the write lock is taken before anything is
    /// read, so two writers never both act on the same read (a queue's claim, a round's creation).
    public func writeImmediately<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            var value: T?
            try db.inTransaction(.immediate) {
                value = try body(db)
                return .commit
            }
            guard let value else { throw StoreError.sqlError("an immediate transaction ended without its value") }
            return value
        }
    }

    /// Writes a consistent copy of the whole database to a new file (`VACUUM INTO`).
    public func copy(to path: String) throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
    }

    /// `PRAGMA integrity_check`'s answer: `["ok"]` for a sound database.
    public func integrityCheck() throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

extension Store {
    /// Rows in every ordinary and virtual table (not FTS5's internal shadow tables), by name.
    public func tableCounts() throws -> [(table: String, rows: Int)] {
        try read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM pragma_table_list
                WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%'
                ORDER BY name
                """)
            return try names.map { name in
                (name, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(name.quotedDatabaseIdentifier)") ?? 0)
            }
        }
    }
}
