import Foundation
import GRDB
import Testing
@testable import Store

/// Migration 0015 turns the SHA-256 columns that held 32 raw bytes into lowercase hex text,
/// rebuilding their tables: every row, link, index, trigger and the full-text index survive.
@Suite struct HashMigrationTests {
    /// 32 bytes 00 01 … 1f, and their lowercase hex.
    let bytes = Data((0..<32).map { UInt8($0) })
    let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    /// A database at schema 0014 holding a row in each converted table, with the rows that refer to them.
    func databaseBefore0015() throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("before.db").path
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try SchemaMigrator(migrations: try Migration.embedded().filter { $0.version < 15 }).migrate(db, path: path)
            try db.execute(sql: """
                INSERT INTO sources (id, name) VALUES (1, 'web');
                INSERT INTO raw_texts (id, source_id, text, sha256, char_count, byte_count) VALUES (7, 1, 'alpha beta', ?, 10, 10);
                INSERT INTO synth_runs (id, backend, backend_reference, rounds, max_model_len, max_new_tokens, temperature, seed, texts_total, round_size)
                    VALUES (1, 'miner', 'miner', 1, 2048, 400, 0, 0, 1, 1);
                INSERT INTO synth_requests (id, run_id, round, position, raw_text_id, prompt, status) VALUES (1, 1, 0, 0, 7, 'p', 'done');
                INSERT INTO templates (id, family, name, version, body, sha256, source_file) VALUES (3, 'text_end', 'plain', 1, '{}', ?, 'f.json');
                INSERT INTO augmented_texts (id, run_id, first_request_id, seed, mode, inverted, template_ids, option_orders,
                                             request_ids, raw_text_ids, pair_ids, text, sha256)
                    VALUES (5, 1, 1, 3, 'classic', 0, '[3]', '[]', '[1]', '[7]', '[]', 'augmented', ?);
                INSERT INTO augmented_text_raw_texts (augmented_text_id, raw_text_id, position) VALUES (5, 7, 0);
                INSERT INTO instruction_sets (id, name, kind, path) VALUES (2, 'general', 'general', 'g.jsonl');
                INSERT INTO instruction_examples (id, set_id, line, instruction, response, sha256) VALUES (9, 2, 1, 'Say hi.', 'Hi.', ?);
                """, arguments: [bytes, bytes, bytes, bytes])
        }
        try queue.close()
        return path
    }

    @Test func hashesBecomeLowercaseHexAndEveryRowStays() throws {
        let store = try Store.open(path: try databaseBefore0015())
        try store.read { db in
            for (table, id) in [("raw_texts", 7), ("templates", 3), ("augmented_texts", 5), ("instruction_examples", 9)] {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT sha256, typeof(sha256) AS type FROM \(table) WHERE id = ?", arguments: [id]))
                #expect(row["sha256"] == hex, "\(table)")
                #expect(row["type"] == "text", "\(table)")
            }
            #expect(try String.fetchOne(db, sql: "SELECT text FROM corpus_texts WHERE id = 7") == "alpha beta")
            #expect(try Int64.fetchOne(db, sql: "SELECT raw_text_id FROM synth_requests WHERE id = 1") == 7)
            // Dropping the old augmented_texts did not cascade into its raw-text links.
            #expect(try Int64.fetchAll(db, sql: "SELECT raw_text_id FROM augmented_raw_texts WHERE augmented_text_id = 5") == [7])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE '%before_0015%'").isEmpty)
        }
    }

    @Test func theFullTextIndexStillFindsOldTextsAndFollowsNewOnes() throws {
        let store = try Store.open(path: try databaseBefore0015())
        try store.write { db in
            try db.execute(sql: "INSERT INTO raw_texts_fts(raw_texts_fts) VALUES ('integrity-check')")
            try db.execute(sql: "INSERT INTO raw_texts (id, source_id, text, sha256, char_count, byte_count) VALUES (8, 1, 'beta gamma', ?, 10, 10)",
                           arguments: [Hex.sha256("beta gamma")])
            try db.execute(sql: "UPDATE raw_texts SET text = 'alpha delta' WHERE id = 7")
        }
        let matches = try store.read { db in
            try ["alpha", "beta", "delta"].map { word in
                try Int64.fetchAll(db, sql: "SELECT rowid FROM raw_texts_fts WHERE raw_texts_fts MATCH ? ORDER BY rowid", arguments: [word])
            }
        }
        #expect(matches == [[7], [8], [7]])
        try store.write { db in try db.execute(sql: "INSERT INTO raw_texts_fts(raw_texts_fts) VALUES ('integrity-check')") }
    }

    @Test func aMigrationThatWouldBreakAForeignKeyIsRolledBack() throws {
        let path = try temporaryDirectory().appendingPathComponent("fk.db").path
        let queue = try DatabaseQueue(path: path)
        let first = try #require(try Migration.embedded().first)
        let orphaning = try Migration(fileName: "0002_orphan.sql", sql: """
            CREATE TABLE parents (id INTEGER PRIMARY KEY);
            CREATE TABLE children (parent_id INTEGER REFERENCES parents(id));
            INSERT INTO children (parent_id) VALUES (1);
            """)
        #expect(throws: StoreError.migrationBreaksForeignKey(path: path, version: 2, name: "orphan", table: "children", parent: "parents")) {
            try queue.writeWithoutTransaction { db in try SchemaMigrator(migrations: [first, orphaning]).migrate(db, path: path) }
        }
        let (childrenExist, versions, foreignKeys) = try queue.read { db in
            (try db.tableExists("children"), try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations"),
             try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(!childrenExist)
        #expect(versions == [1])
        #expect(foreignKeys == true)
    }
}
