import ArgumentParser
import Foundation
import Mixing
import Store
import Tokenization

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Materialize mixtures into content-addressed, tokenized, packed snapshots.",
        subcommands: [SnapshotCreateCommand.self, SnapshotVerifyCommand.self, SnapshotExportCommand.self])
}

struct SnapshotCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Select, order, tokenize and pack a mixture; print the snapshot id and manifest hash.",
        discussion: """
            Each component takes a seeded fraction of its items (ratio) and repeats them; the \
            whole list is shuffled with --seed. Every item's document is followed by </s>; <s> \
            goes before each document (--bos document), at the start of every sequence (--bos \
            sequence) or nowhere (--bos none). The stream is cut into --seq-len sequences (a \
            final partial sequence is dropped). The manifest hash covers the ordered items with \
            their text hashes, the tokenizer and the packing: the same inputs give the same hash.

            The packed tokens stream into content-addressed shard files (Megatron indexed \
            datasets: NAME.bin + NAME.idx, uint16 tokens up to 65536 ids, else int32) in \
            --shard-dir (default: $IPT_SHARD_DIR, else DB.shards beside the database DB.db); \
            the database records each shard's path, size, token range and SHA-256. Memory stays \
            bounded whatever the mixture's size; an interrupted build leaves no snapshot row and \
            no partial shard.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The mixture's name.")
    var mixture: String

    @Option(help: "A tokenizer name from `ipt tokenizer`, or \"bytes\" (built-in byte-level).")
    var tokenizer: String

    @Option(help: "Tokens per packed sequence.")
    var seqLen: Int

    @Option(help: "Seed for selection and order.")
    var seed: Int64 = 0

    @Option(help: "Where <s> goes: document, sequence or none.")
    var bos: Packing.BOS = .document

    @Option(help: ArgumentHelp("Directory for the shard files (default: $IPT_SHARD_DIR, else beside the database).", valueName: "dir"))
    var shardDir: String?

    @Option(help: "Tokens per shard file, rounded down to whole sequences.")
    var shardTokens: Int = ShardWriter.defaultShardTokens

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if seqLen < 2 { throw ValidationError("--seq-len must be at least 2") }
        if shardTokens < seqLen { throw ValidationError("--shard-tokens must hold at least one sequence (--seq-len)") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        let shards = try ShardStore(databasePath: database.db, directory: shardDir ?? ShardStore.environmentDirectory)
        try LegacyTokenBlobs.moveToShards(store: store, shards: shards)
        let tok = try store.read { db in try StoredTokenizer.load(name: tokenizer, in: db) }
        let packing = Packing(sequenceLength: seqLen, bos: bos)
        let started = Date()
        let id = try progress.showing("snapshot create") { onProgress in
            try Snapshot.create(store: store, mixture: mixture, tokenizer: tok, packing: packing, seed: seed, shards: shards,
                                shardTokens: shardTokens, progress: onProgress)
        }
        let seconds = Date().timeIntervalSince(started)
        let (record, shardCount) = try store.read { db in
            (try MixingRepository.snapshot(id: id, in: db), try MixingRepository.snapshotShards(id: id, in: db).count)
        }
        print("snapshot \(id): \(record.itemCount) items, \(record.sequenceCount) sequences of \(seqLen) tokens in \(shardCount) shard(s) under \(shards.directory), manifest \(record.manifestSHA256)")
        printError(String(format: "%.1f s, %.0f tokens/s", seconds, Double(record.tokenCount) / max(seconds, 1e-9)))
    }
}

struct SnapshotVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute a snapshot's manifest hash and tokens from the database and its shard files.",
        discussion: """
            Checks that every item's text still has the recorded hash, that the manifest hash \
            recomputes, that every shard file matches its SHA-256 and its index, that the token \
            stream matches tokens_sha256, and (with the snapshot's \
            tokenizer available) that re-tokenizing and re-packing gives the same tokens. Exits \
            non-zero on any difference.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The snapshot id.")
    var id: Int64

    @OptionGroup var progress: ProgressOptions

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let record = try store.read { db in try MixingRepository.snapshot(id: id, in: db) }
        let tokenizer = try store.read { db in try StoredTokenizer.load(name: record.tokenizer, in: db) }
        let manifest = try progress.showing("snapshot verify") { onProgress in
            try Snapshot.verify(store: store, id: id, tokenizer: tokenizer, progress: onProgress)
        }
        print("snapshot \(id) verifies: manifest \(manifest)")
    }
}

struct SnapshotExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a snapshot for other trainers: jsonl, megatron or nanogpt, with manifest.json.",
        discussion: """
            jsonl: snapshot.jsonl, one {"input_ids": […]} per packed sequence (HF datasets). \
            megatron: snapshot.bin + snapshot.idx, a Megatron-LM MMIDIDX indexed dataset, one \
            document per packed sequence (uint16 tokens up to 65536 ids, else int32): hard links \
            to the shard files when the snapshot is one shard, else the shards concatenated. nanogpt: \
            train.bin, the flat token stream (uint16 or uint32). Every format gets manifest.json \
            with the snapshot's manifest hash.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The snapshot id.")
    var id: Int64

    @Option(help: "jsonl, megatron or nanogpt.")
    var format: SnapshotExport.Format

    @Option(help: ArgumentHelp("Output directory.", valueName: "dir"))
    var out: String

    @OptionGroup var progress: ProgressOptions

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let record = try store.read { db in try MixingRepository.snapshot(id: id, in: db) }
        let shards = try Snapshot.shards(store: store, id: id)
        let files = try progress.showing("snapshot export") { onProgress in
            try SnapshotExport.write(shards: shards, snapshot: record, format: format, to: out, progress: onProgress)
        }
        for file in files { print(file) }
    }
}

extension Packing.BOS: ExpressibleByArgument {}
extension SnapshotExport.Format: ExpressibleByArgument {}
