import Foundation

/// Why the database could not be opened, migrated or queried, with what to do next.
public enum StoreError: Error, LocalizedError, Equatable {
    case missingDatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case foreignDatabase(path: String, tables: [String])
    case newerSchema(path: String, databaseVersion: Int, knownVersion: Int)
    case migrationChanged(path: String, version: Int, name: String)
    case unknownMigration(path: String, version: Int, name: String)
    case needsMigration(path: String, pending: Int)
    case migrationBreaksForeignKey(path: String, version: Int, name: String, table: String, parent: String)
    case invalidMigrationName(String)
    case unknownQuery(name: String, known: [String])
    case invalidParameter(String)
    case readOnlyStatement(String)
    case sqlError(String)

    public var errorDescription: String? {
        switch self {
        case let .missingDatabase(path):
            return "no database at \(path): create one with `ipt init --db \(path)` or ingest into it"
        case let .cannotOpen(path, reason):
            return "cannot open database \(path): \(reason)"
        case let .foreignDatabase(path, tables):
            return "\(path) is an SQLite database of another program (tables \(tables.joined(separator: ", ")), no schema_migrations): it was left unchanged; give --db a new file or an InstructPT database"
        case let .newerSchema(path, databaseVersion, knownVersion):
            return "database \(path) has schema version \(databaseVersion), newer than this ipt knows (\(knownVersion)): upgrade ipt to open it"
        case let .migrationChanged(path, version, name):
            return "database \(path) applied migration \(String(format: "%04d", version))_\(name) from a different file than this ipt ships: the database and the binary disagree about the schema"
        case let .unknownMigration(path, version, name):
            return "database \(path) applied migration \(String(format: "%04d", version))_\(name), which this ipt does not know"
        case let .needsMigration(path, pending):
            return "database \(path) needs \(pending) schema migration(s): run `ipt init --db \(path)` to upgrade it"
        case let .migrationBreaksForeignKey(path, version, name, table, parent):
            return "migration \(String(format: "%04d", version))_\(name) would leave rows of \(table) referring to missing rows of \(parent) in \(path); nothing was changed by it"
        case let .invalidMigrationName(name):
            return "migration file \(name) is not named NNNN_name.sql"
        case let .unknownQuery(name, known):
            return "no query named \(name); known queries: \(known.joined(separator: ", ")) (see `ipt query --list`)"
        case let .invalidParameter(text):
            return "parameter \(text) is not of the form name=value"
        case let .readOnlyStatement(message):
            return "the database is opened read-only: \(message)"
        case let .sqlError(message):
            return message
        }
    }
}
