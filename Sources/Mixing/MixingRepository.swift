import Foundation
import GRDB
import ProgressReporting
import Store

/// One item a mixture component selects: where it lives and its text.
///
///     let item = MixtureItem(kind: .raw, refId: 12, text: "…")
public struct MixtureItem: Equatable, Sendable {
    public var kind: MixtureComponent.Kind
    public var refId: Int64
    public var text: String

    public init(kind: MixtureComponent.Kind, refId: Int64, text: String) {
        self.kind = kind
        self.refId = refId
        self.text = text
    }
}

/// A row of `snapshots` without its token blob.
///
///     let snapshot = try MixingRepository.snapshot(id: 1, in: db)
public struct SnapshotRecord: Equatable, Sendable {
    public var id: Int64
    public var mixtureId: Int64
    public var tokenizer: String
    public var tokenizerSHA256: String
    public var vocabSize: Int
    public var packing: Packing
    public var seed: Int64
    public var itemCount: Int
    public var tokenCount: Int
    public var sequenceCount: Int
    public var manifestSHA256: String
    public var tokensSHA256: String
}

/// The only place Mixing's SQL lives: instruction sets, mixtures, the items components
/// select, snapshots and their items.
///
///     let components = try MixingRepository.components(mixture: "scratch", in: db)
public enum MixingRepository {
    // MARK: Instruction data

    public static func createInstructionSet(name: String, kind: InstructionExample.Kind, path: String, in db: Database) throws -> Int64 {
        if try Int64.fetchOne(db, sql: "SELECT id FROM instruction_sets WHERE name = ?", arguments: [name]) != nil {
            throw InstructionDataError.setExists(name: name)
        }
        try db.execute(sql: "INSERT INTO instruction_sets (name, kind, path) VALUES (?, ?, ?)", arguments: [name, kind.rawValue, path])
        return db.lastInsertedRowID
    }

    /// Inserts an example; returns false when the set already holds the same example.
    public static func insertExample(_ example: InstructionExample, setId: Int64, line: Int, in db: Database) throws -> Bool {
        switch example {
        case .general(let instruction, let response):
            try db.execute(sql: "INSERT OR IGNORE INTO instruction_examples (set_id, line, instruction, response, sha256) VALUES (?, ?, ?, ?, ?)",
                           arguments: [setId, line, instruction, response, example.sha256])
        case .context(let context, let pairs):
            try db.execute(sql: "INSERT OR IGNORE INTO instruction_examples (set_id, line, context, pairs_json, sha256) VALUES (?, ?, ?, ?, ?)",
                           arguments: [setId, line, context, InstructionExample.pairsJSON(pairs), example.sha256])
        }
        return db.changesCount > 0
    }

    /// The examples of a set in file order, with their row ids.
    public static func examples(setName: String, in db: Database) throws -> (setId: Int64, examples: [(id: Int64, example: InstructionExample)]) {
        guard let setId = try Int64.fetchOne(db, sql: "SELECT id FROM instruction_sets WHERE name = ?", arguments: [setName]) else {
            throw MixingError.unknownInstructionSet(name: setName)
        }
        let rows = try Row.fetchAll(db, sql: "SELECT id, instruction, response, context, pairs_json FROM instruction_examples WHERE set_id = ? ORDER BY line, id",
                                    arguments: [setId])
        return (setId, try rows.map { row in (row["id"], try example(row)) })
    }

    static func example(_ row: Row) throws -> InstructionExample {
        if let context: String = row["context"] {
            let json: String = row["pairs_json"]
            let pairs = try JSONDecoder().decode([QAPair].self, from: Data(json.utf8))
            return .context(context: context, pairs: pairs)
        }
        return .general(instruction: row["instruction"], response: row["response"])
    }

    // MARK: Mixtures

    public static func createMixture(name: String, components: [MixtureComponent], in db: Database) throws -> Int64 {
        if try Int64.fetchOne(db, sql: "SELECT id FROM mixtures WHERE name = ?", arguments: [name]) != nil {
            throw MixingError.mixtureExists(name: name)
        }
        for component in components where component.kind == .instructions {
            if let set = component.instructionSet, try Int64.fetchOne(db, sql: "SELECT id FROM instruction_sets WHERE name = ?", arguments: [set]) == nil {
                throw MixingError.unknownInstructionSet(name: set)
            }
        }
        try db.execute(sql: "INSERT INTO mixtures (name) VALUES (?)", arguments: [name])
        let id = db.lastInsertedRowID
        for (position, c) in components.enumerated() {
            try db.execute(sql: """
                INSERT INTO mixture_components (mixture_id, position, kind, source, split, run_id, augmented_seed, exclude_augmented_run,
                                                instruction_set, ratio, repeat_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, position, c.kind.rawValue, c.source, c.split, c.runId, c.augmentedSeed, c.excludeAugmentedRun,
                                 c.instructionSet, c.ratio, c.repeatCount])
        }
        return id
    }

    public static func components(mixture name: String, in db: Database) throws -> (id: Int64, components: [MixtureComponent]) {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM mixtures WHERE name = ?", arguments: [name]) else {
            throw MixingError.unknownMixture(name: name)
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM mixture_components WHERE mixture_id = ? ORDER BY position", arguments: [id])
        let components = rows.map { row -> MixtureComponent in
            var c = MixtureComponent(kind: MixtureComponent.Kind(rawValue: row["kind"]) ?? .raw)
            c.source = row["source"]
            c.split = row["split"]
            c.runId = row["run_id"]
            c.augmentedSeed = row["augmented_seed"]
            c.excludeAugmentedRun = row["exclude_augmented_run"]
            c.instructionSet = row["instruction_set"]
            c.ratio = row["ratio"]
            c.repeatCount = row["repeat_count"]
            return c
        }
        return (id, components)
    }

    /// Every item a component can select, in id order (before ratio and repeat).
    public static func candidates(_ c: MixtureComponent, in db: Database) throws -> [MixtureItem] {
        switch c.kind {
        case .raw:
            var sql = "SELECT r.id, r.text FROM raw_texts r"
            var conditions: [String] = [], arguments: [any DatabaseValueConvertible] = []
            if let source = c.source {
                sql += " JOIN sources s ON s.id = r.source_id"
                conditions.append("s.name = ?"); arguments.append(source)
            }
            if let split = c.split { conditions.append("r.split = ?"); arguments.append(split) }
            if let run = c.excludeAugmentedRun {
                conditions.append("""
                    r.id NOT IN (SELECT l.raw_text_id FROM augmented_text_raw_texts l
                                 JOIN augmented_texts a ON a.id = l.augmented_text_id WHERE a.run_id = ?)
                    """)
                arguments.append(run)
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            return try Row.fetchAll(db, sql: sql + " ORDER BY r.id", arguments: StatementArguments(arguments))
                .map { MixtureItem(kind: .raw, refId: $0["id"], text: $0["text"]) }
        case .augmented:
            var sql = "SELECT id, text FROM augmented_texts WHERE run_id = ?"
            var arguments: [any DatabaseValueConvertible] = [c.runId ?? 0]
            if let seed = c.augmentedSeed { sql += " AND seed = ?"; arguments.append(seed) }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(arguments))
                .map { MixtureItem(kind: .augmented, refId: $0["id"], text: $0["text"]) }
        case .instructions:
            let (_, examples) = try examples(setName: c.instructionSet ?? "", in: db)
            return examples.map { MixtureItem(kind: .instructions, refId: $0.id, text: $0.example.pretrainingText) }
        }
    }

    /// The current text of a snapshot item's row (nil if the row is gone).
    public static func itemText(kind: MixtureComponent.Kind, refId: Int64, in db: Database) throws -> String? {
        switch kind {
        case .raw: return try String.fetchOne(db, sql: "SELECT text FROM raw_texts WHERE id = ?", arguments: [refId])
        case .augmented: return try String.fetchOne(db, sql: "SELECT text FROM augmented_texts WHERE id = ?", arguments: [refId])
        case .instructions:
            guard let row = try Row.fetchOne(db, sql: "SELECT instruction, response, context, pairs_json FROM instruction_examples WHERE id = ?", arguments: [refId]) else { return nil }
            return try example(row).pretrainingText
        }
    }

    // MARK: Snapshots

    /// Stores a snapshot and its items; `progress` hears of the token blob (phase "writing
    /// tokens", in bytes) and of every item row ("storing").
    public static func insertSnapshot(mixtureId: Int64, tokenizer: SnapshotTokenizer, packing: Packing, seed: Int64,
                                      items: [SnapshotItem], tokens: [Int32], manifest: String, tokensSHA256: String, in db: Database,
                                      progress: ProgressHandler = { _ in }) throws -> Int64 {
        // SQLite refuses values over SQLITE_MAX_LENGTH (1e9 bytes by default), and GRDB stops
        // the process on that refusal rather than throwing.
        let maximumTokens = 1_000_000_000 / MemoryLayout<Int32>.size
        guard tokens.count <= maximumTokens else { throw MixingError.tooManyTokens(tokens: tokens.count, maximum: maximumTokens) }
        let blob = tokens.withUnsafeBytes { Data($0) }
        progress(StageProgress(phase: "writing tokens", done: 0, total: blob.count, unit: .bytes))
        try db.execute(sql: """
            INSERT INTO snapshots (mixture_id, tokenizer, tokenizer_sha256, vocab_size, seq_len, seed, packing_json, item_count,
                                   token_count, sequence_count, manifest_sha256, tokens, tokens_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [mixtureId, tokenizer.name, tokenizer.identity, tokenizer.vocabSize, packing.sequenceLength, seed, packing.json,
                             items.count, tokens.count, tokens.count / packing.sequenceLength, manifest, blob, tokensSHA256])
        let id = db.lastInsertedRowID
        progress(StageProgress(phase: "writing tokens", done: blob.count, total: blob.count, unit: .bytes))
        progress(StageProgress(phase: "storing", done: 0, total: items.count, unit: .count("items")))
        let statement = try db.makeStatement(sql: "INSERT INTO snapshot_items (snapshot_id, position, kind, ref_id, sha256, token_count) VALUES (?, ?, ?, ?, ?, ?)")
        for (position, item) in items.enumerated() {
            try statement.execute(arguments: [id, position, item.kind.rawValue, item.refId, item.sha256, item.tokenCount])
            progress(StageProgress(phase: "storing", done: position + 1, total: items.count, unit: .count("items")))
        }
        return id
    }

    /// The newest snapshot of a mixture, if it has one.
    public static func latestSnapshotId(mixture name: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT s.id FROM snapshots s JOIN mixtures m ON m.id = s.mixture_id WHERE m.name = ? ORDER BY s.id DESC LIMIT 1
            """, arguments: [name])
    }

    public static func snapshot(id: Int64, in db: Database) throws -> SnapshotRecord {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, mixture_id, tokenizer, tokenizer_sha256, vocab_size, seq_len, seed, packing_json, item_count, token_count,
                   sequence_count, manifest_sha256, tokens_sha256 FROM snapshots WHERE id = ?
            """, arguments: [id]) else { throw MixingError.unknownSnapshot(id: id) }
        let packingJSON: String = row["packing_json"]
        let bos = Packing.BOS.allCases.first { packingJSON.contains("\"bos\":\"\($0.rawValue)\"") } ?? .document
        return SnapshotRecord(id: row["id"], mixtureId: row["mixture_id"], tokenizer: row["tokenizer"], tokenizerSHA256: row["tokenizer_sha256"],
                              vocabSize: row["vocab_size"], packing: Packing(sequenceLength: row["seq_len"], bos: bos), seed: row["seed"],
                              itemCount: row["item_count"], tokenCount: row["token_count"], sequenceCount: row["sequence_count"],
                              manifestSHA256: row["manifest_sha256"], tokensSHA256: row["tokens_sha256"])
    }

    /// The packed tokens of a snapshot (sequence_count × seq_len).
    public static func snapshotTokens(id: Int64, in db: Database) throws -> [Int32] {
        guard let blob = try Data.fetchOne(db, sql: "SELECT tokens FROM snapshots WHERE id = ?", arguments: [id]) else {
            throw MixingError.unknownSnapshot(id: id)
        }
        return blob.withUnsafeBytes { raw in (0..<(blob.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) } }
    }

    public static func snapshotItems(id: Int64, in db: Database) throws -> [SnapshotItem] {
        try Row.fetchAll(db, sql: "SELECT kind, ref_id, sha256, token_count FROM snapshot_items WHERE snapshot_id = ? ORDER BY position", arguments: [id])
            .map { SnapshotItem(kind: MixtureComponent.Kind(rawValue: $0["kind"]) ?? .raw, refId: $0["ref_id"], sha256: $0["sha256"], tokenCount: $0["token_count"]) }
    }
}
