import Foundation
import GRDB
import Testing
@testable import Store

@Suite struct ReadOnlyQueryTests {
    private func storeWithSources() throws -> (path: String, store: Store) {
        let path = try temporaryDirectory().appendingPathComponent("q.db").path
        let store = try Store.open(path: path)
        try store.write { db in
            try db.execute(sql: "INSERT INTO sources (name) VALUES ('a'), ('b'), ('c')")
        }
        return (path, try Store.open(path: path, mode: .readOnly))
    }

    private func run(_ store: Store, _ sql: String, _ parameters: [String: String] = [:]) throws -> (columns: [String], rows: [[DatabaseValue]]) {
        var columns: [String] = []
        var rows: [[DatabaseValue]] = []
        try ReadOnlyQuery.run(store: store, sql: sql, parameters: parameters) { columns = $0 } row: { rows.append($0) }
        return (columns, rows)
    }

    @Test func streamsColumnsAndRowsWithBoundParameters() throws {
        let (_, store) = try storeWithSources()
        let result = try run(store, "SELECT id, name FROM sources WHERE name <> :skip ORDER BY id LIMIT :n", ["skip": "a", "n": "5"])
        #expect(result.columns == ["id", "name"])
        #expect(result.rows.map { String.fromDatabaseValue($0[1]) } == ["b", "c"])
    }

    @Test func parameterValuesAreBoundNeverSpliced() throws {
        let (_, store) = try storeWithSources()
        let result = try run(store, "SELECT count(*) FROM sources WHERE name = :name", ["name": "a' OR '1'='1"])
        #expect(Int.fromDatabaseValue(result.rows[0][0]) == 0)
    }

    @Test func refusesStatementsThatWrite() throws {
        let (path, store) = try storeWithSources()
        for sql in ["DELETE FROM sources", "INSERT INTO sources (name) VALUES ('x')", "DROP TABLE sources",
                    "CREATE TABLE t (x)", "PRAGMA journal_mode = DELETE"] {
            #expect(throws: StoreError.self, "\(sql)") { _ = try run(store, sql) }
        }
        let count = try Store.open(path: path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sources") }
        #expect(count == 3)
    }

    @Test func reportsSQLErrorsAndMissingParameters() throws {
        let (_, store) = try storeWithSources()
        #expect(throws: StoreError.self) { _ = try run(store, "SELECT nope FROM sources") }
        #expect(throws: (any Error).self) { _ = try run(store, "SELECT * FROM sources WHERE id = :id") }
    }

    @Test func parsesNameValueParameters() throws {
        #expect(try ReadOnlyQuery.parameters(["a=1", ":b=x=y", "c="]) == ["a": "1", "b": "x=y", "c": ""])
        #expect(throws: StoreError.invalidParameter("nope")) { try ReadOnlyQuery.parameters(["nope"]) }
    }

    @Test func namedQueriesShipWithDescriptionsAndRun() throws {
        let (_, store) = try storeWithSources()
        let queries = NamedQuery.all()
        #expect(queries.contains { $0.name == "sources" })
        for query in queries {
            #expect(!query.summary.isEmpty, "\(query.name) needs a header comment")
        }
        #expect(throws: StoreError.self) { _ = try NamedQuery.named("no-such-query") }
        // Every shipped query must at least prepare against the current schema.
        try store.read { db in
            for query in queries { _ = try db.makeStatement(sql: query.sql) }
        }
        _ = try run(store, try NamedQuery.named("sources").sql)
    }
}
