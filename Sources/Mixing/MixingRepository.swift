import Foundation
import GRDB
import ProgressReporting
import Store
import SynthesizerText
import Tokenization

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

/// Which row a mixture item is, without its text (what selection works on).
///
///     let reference = ItemReference(kind: .raw, refId: 12)
public struct ItemReference: Equatable, Sendable {
    public var kind: MixtureComponent.Kind
    public var refId: Int64

    public init(kind: MixtureComponent.Kind, refId: Int64) {
        self.kind = kind
        self.refId = refId
    }
}

/// A row of `snapshots`.
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

    /// The rows a component can select, in id order (before ratio and repeat), without texts.
    public static func candidateReferences(_ c: MixtureComponent, in db: Database) throws -> [ItemReference] {
        switch c.kind {
        case .raw:
            // Other stages' rows are read through their published views (migration 0014).
            var sql = "SELECT id FROM corpus_texts"
            var conditions: [String] = [], arguments: [any DatabaseValueConvertible] = []
            if let source = c.source { conditions.append("source = ?"); arguments.append(source) }
            if let split = c.split { conditions.append("split = ?"); arguments.append(split) }
            if let run = c.excludeAugmentedRun {
                conditions.append("id NOT IN (SELECT raw_text_id FROM augmented_raw_texts WHERE run_id = ?)")
                arguments.append(run)
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            return try Int64.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(arguments))
                .map { ItemReference(kind: .raw, refId: $0) }
        case .augmented:
            var sql = "SELECT id FROM augmented_corpus WHERE run_id = ?"
            var arguments: [any DatabaseValueConvertible] = [c.runId ?? 0]
            if let seed = c.augmentedSeed { sql += " AND seed = ?"; arguments.append(seed) }
            return try Int64.fetchAll(db, sql: sql + " ORDER BY id", arguments: StatementArguments(arguments))
                .map { ItemReference(kind: .augmented, refId: $0) }
        case .instructions:
            guard let setId = try Int64.fetchOne(db, sql: "SELECT id FROM instruction_sets WHERE name = ?", arguments: [c.instructionSet ?? ""]) else {
                throw MixingError.unknownInstructionSet(name: c.instructionSet ?? "")
            }
            return try Int64.fetchAll(db, sql: "SELECT id FROM instruction_examples WHERE set_id = ? ORDER BY line, id", arguments: [setId])
                .map { ItemReference(kind: .instructions, refId: $0) }
        }
    }

    /// The current text of a snapshot item's row (nil if the row is gone).
    public static func itemText(kind: MixtureComponent.Kind, refId: Int64, in db: Database) throws -> String? {
        switch kind {
        case .raw: return try String.fetchOne(db.cachedStatement(sql: "SELECT text FROM corpus_texts WHERE id = ?"), arguments: [refId])
        case .augmented: return try String.fetchOne(db.cachedStatement(sql: "SELECT text FROM augmented_corpus WHERE id = ?"), arguments: [refId])
        case .instructions:
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT instruction, response, context, pairs_json FROM instruction_examples WHERE id = ?"),
                                             arguments: [refId]) else { return nil }
            return try example(row).pretrainingText
        }
    }

    // MARK: Snapshots

    /// Stores a snapshot, its items and its shards; `progress` hears of every item row
    /// stored (phase "storing").
    public static func insertSnapshot(mixtureId: Int64, tokenizer: any TextTokenizer, packing: Packing, seed: Int64, items: [SnapshotItem],
                                      shards: [TokenShard], tokenCount: Int, manifest: String, tokensSHA256: String, in db: Database,
                                      progress: ProgressHandler = { _ in }) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO snapshots (mixture_id, tokenizer, tokenizer_sha256, vocab_size, seq_len, seed, packing_json, item_count,
                                   token_count, sequence_count, manifest_sha256, tokens_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [mixtureId, tokenizer.name, tokenizer.identity, tokenizer.vocabSize, packing.sequenceLength, seed, packing.json,
                             items.count, tokenCount, tokenCount / packing.sequenceLength, manifest, tokensSHA256])
        let id = db.lastInsertedRowID
        progress(StageProgress(phase: "storing", done: 0, total: items.count, unit: .count("items")))
        let statement = try db.makeStatement(sql: "INSERT INTO snapshot_items (snapshot_id, position, kind, ref_id, sha256, token_count) VALUES (?, ?, ?, ?, ?, ?)")
        for (position, item) in items.enumerated() {
            try statement.execute(arguments: [id, position, item.kind.rawValue, item.refId, item.sha256, item.tokenCount])
            progress(StageProgress(phase: "storing", done: position + 1, total: items.count, unit: .count("items")))
        }
        try insertShards(shards, snapshot: id, in: db)
        return id
    }

    public static func insertShards(_ shards: [TokenShard], snapshot id: Int64, in db: Database) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO snapshot_shards (snapshot_id, position, path, dtype, byte_count, first_token, token_count, sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for shard in shards {
            try statement.execute(arguments: [id, shard.position, shard.prefix, shard.dtype.rawValue, shard.byteCount, shard.firstToken,
                                              shard.tokenCount, shard.sha256])
        }
    }

    public static func snapshotShards(id: Int64, in db: Database) throws -> [TokenShard] {
        try Row.fetchAll(db, sql: """
            SELECT position, path, dtype, byte_count, first_token, token_count, sha256 FROM snapshot_shards
            WHERE snapshot_id = ? ORDER BY position
            """, arguments: [id]).map { row in
            let dtype: String = row["dtype"]
            return TokenShard(position: row["position"], prefix: row["path"], byteCount: row["byte_count"], firstToken: row["first_token"],
                              tokenCount: row["token_count"], sha256: row["sha256"], dtype: TokenShard.DType(rawValue: dtype) ?? .int32)
        }
    }

    /// Every shard prefix any snapshot records.
    public static func allShardPrefixes(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT path FROM snapshot_shards")
    }

    /// Snapshots made before shards whose tokens still wait in `snapshot_token_blobs`.
    public static func legacyTokenBlobSnapshots(in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT snapshot_id FROM snapshot_token_blobs ORDER BY snapshot_id")
    }

    public static func hasLegacyTokenBlob(id: Int64, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM snapshot_token_blobs WHERE snapshot_id = ?)", arguments: [id]) ?? false
    }

    public static func legacyTokenBlob(id: Int64, in db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT tokens FROM snapshot_token_blobs WHERE snapshot_id = ?", arguments: [id])
    }

    /// Records the shards a legacy blob was moved into and drops the blob, in the caller's transaction.
    public static func replaceLegacyTokenBlob(id: Int64, with shards: [TokenShard], in db: Database) throws {
        try insertShards(shards, snapshot: id, in: db)
        try db.execute(sql: "DELETE FROM snapshot_token_blobs WHERE snapshot_id = ?", arguments: [id])
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

    public static func snapshotItems(id: Int64, in db: Database) throws -> [SnapshotItem] {
        try Row.fetchAll(db, sql: "SELECT kind, ref_id, sha256, token_count FROM snapshot_items WHERE snapshot_id = ? ORDER BY position", arguments: [id])
            .map { SnapshotItem(kind: MixtureComponent.Kind(rawValue: $0["kind"]) ?? .raw, refId: $0["ref_id"], sha256: $0["sha256"], tokenCount: $0["token_count"]) }
    }
}
