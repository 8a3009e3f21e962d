import Foundation
import GRDB
import Testing
@testable import Store

/// Another program's SQLite file given as --db is refused and left exactly as it was.
@Suite struct ForeignDatabaseTests {
    @Test func aForeignDatabaseIsRefusedAndLeftUnchanged() throws {
        let path = try temporaryDirectory().appendingPathComponent("other.sqlite").path
        do {
            let other = try DatabaseQueue(path: path)
            try other.write { db in
                try db.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
                try db.execute(sql: "INSERT INTO customers (name) VALUES ('Ada')")
            }
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for mode in [Store.Mode.readWrite, .readOnly] {
            #expect {
                _ = try Store.open(path: path, mode: mode)
            } throws: { error in
                guard case let .foreignDatabase(errorPath, tables)? = error as? StoreError else { return false }
                return errorPath == path && tables == ["customers"] && error.localizedDescription.contains("left unchanged")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "not even the journal mode changed")
        let other = try DatabaseQueue(path: path)
        #expect(try other.read { db in try db.tableExists("schema_migrations") } == false)
        #expect(try other.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
    }

    @Test func anEmptyFileOrAnInstructPTDatabaseStillOpens() throws {
        let directory = try temporaryDirectory()
        let empty = directory.appendingPathComponent("empty.db").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        _ = try Store.open(path: empty)
        _ = try Store.open(path: empty)  // Again, now with its schema.
        _ = try Store.open(path: empty, mode: .readOnly)
    }
}
