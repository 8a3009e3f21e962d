import Crypto
import Foundation
import GRDB
import ProgressReporting
import Randomness
import Store
import Tokenization

/// One item of a snapshot, in training order: where it came from, the SHA-256 of its text,
/// and how many tokens it encodes to.
///
///     let item = SnapshotItem(kind: .raw, refId: 4, sha256: hex, tokenCount: 120)
public struct SnapshotItem: Equatable, Sendable {
    public var kind: MixtureComponent.Kind
    public var refId: Int64
    public var sha256: String
    public var tokenCount: Int

    public init(kind: MixtureComponent.Kind, refId: Int64, sha256: String, tokenCount: Int) {
        self.kind = kind
        self.refId = refId
        self.sha256 = sha256
        self.tokenCount = tokenCount
    }
}

/// Materialising a mixture: select each component's items (a seeded `ratio` of them, each
/// `repeatCount` times), shuffle the whole list with the snapshot seed, tokenize, pack into
/// shard files (`ShardWriter`); the database records the items and the shards. The
/// manifest hash covers the ordered items with their hashes, the tokenizer and the packing,
/// so the same inputs give the same hash and any change gives another.
///
///     let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(),
///                                  packing: Packing(sequenceLength: 256), seed: 1)
///     try Snapshot.verify(store: store, id: id, tokenizer: ByteTokenizer())
public enum Snapshot {
    /// The stream of the final shuffle; component p's selection uses stream p.
    static let orderStream: UInt64 = 0xFFFF_FFFF

    /// The ordered item list of a mixture (pure: candidates per component in, items out).
    public static func select<Item>(components: [MixtureComponent], candidates: [[Item]], seed: UInt64) -> [Item] {
        var items: [Item] = []
        for (position, component) in components.enumerated() {
            var chosen = candidates[position]
            if component.ratio < 1 {
                let take = Int((component.ratio * Double(chosen.count)).rounded())
                var rng = SeededGenerator(seed: seed, stream: UInt64(position))
                let picked = rng.shuffled(Array(chosen.indices)).prefix(take).sorted()
                chosen = picked.map { chosen[$0] }
            }
            for _ in 0..<component.repeatCount { items += chosen }
        }
        var rng = SeededGenerator(seed: seed, stream: orderStream)
        return rng.shuffled(items)
    }

    /// The manifest hash: SHA-256 of a canonical text listing format version, tokenizer,
    /// packing and every item in order.
    public static func manifestHash(items: [SnapshotItem], tokenizerIdentity: String, packing: Packing) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("instructpt-snapshot-v1\ntokenizer \(tokenizerIdentity)\npacking \(packing.json)\nitems \(items.count)\n".utf8))
        for item in items {
            hasher.update(data: Data("\(item.kind.rawValue) \(item.refId) \(item.sha256)\n".utf8))
        }
        return Hex.string(hasher.finalize())
    }

    static func tokensHash(_ tokens: [Int32]) -> String {
        tokens.withUnsafeBytes { Hex.sha256($0) }
    }

    /// Tokenizes and packs the items in memory; returns their snapshot items and the packed
    /// stream (the reference the streamed build is tested against).
    static func build(items: [MixtureItem], tokenizer: any TextTokenizer, packing: Packing) throws -> ([SnapshotItem], [Int32]) {
        let (bos, eos) = try tokenizer.documentDelimiters()
        var documents: [[Int32]] = []
        var snapshotItems: [SnapshotItem] = []
        documents.reserveCapacity(items.count)
        for item in items {
            let ids = try encode(item.text, tokenizer: tokenizer)
            documents.append(ids)
            snapshotItems.append(SnapshotItem(kind: item.kind, refId: item.refId, sha256: Hex.sha256(item.text), tokenCount: ids.count))
        }
        return (snapshotItems, packing.pack(documents: documents, bosId: bos, eosId: eos))
    }

    static func encode(_ text: String, tokenizer: any TextTokenizer) throws(MixingError) -> [Int32] {
        let ids = tokenizer.encode(text)
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= tokenizer.vocabSize }) { throw .tokenOutOfRange(id: bad, vocabSize: tokenizer.vocabSize) }
        return ids
    }

    /// Items whose texts are read, tokenized and packed together (bounds the texts in memory).
    static let itemsPerChunk = 256

    /// Creates a snapshot of a mixture; returns its id. The items are selected and read in
    /// one read transaction, tokenized and packed as they stream past into shard files in
    /// `shards` (default: beside the database), and only then is the snapshot recorded — its
    /// row, items and shards in one write transaction. Memory holds one chunk of texts, the
    /// item list and a write buffer, whatever the snapshot's size. On any failure no snapshot
    /// row exists and the shard files this build made that no snapshot records are removed.
    /// `progress` hears of every component read (phase "reading"), every item tokenized and
    /// packed, with the tokens packed and the shards written so far ("tokenizing"), and every
    /// item row stored ("storing").
    public static func create(store: Store, mixture: String, tokenizer: any TextTokenizer, packing: Packing, seed: Int64,
                              shards: ShardStore? = nil, shardTokens: Int = ShardWriter.defaultShardTokens,
                              progress: ProgressHandler = { _ in }) throws -> Int64 {
        let (bos, eos) = try tokenizer.documentDelimiters()
        let shardStore = try shards ?? ShardStore(databasePath: store.path)
        shardStore.removeStaleTemporaries()
        let writer = try ShardWriter(store: shardStore, dtype: .forVocabulary(tokenizer.vocabSize),
                                     sequenceLength: packing.sequenceLength, shardTokens: shardTokens)
        do {
            let (mixtureId, items, written) = try store.read { db in
                let (mixtureId, components) = try MixingRepository.components(mixture: mixture, in: db)
                var candidates: [[ItemReference]] = []
                for component in components {
                    progress(StageProgress(phase: "reading", done: candidates.count, total: components.count, unit: .count("components")))
                    candidates.append(try MixingRepository.candidateReferences(component, in: db))
                }
                progress(StageProgress(phase: "reading", done: candidates.count, total: components.count, unit: .count("components")))
                let references = select(components: components, candidates: candidates, seed: UInt64(bitPattern: seed))
                guard !references.isEmpty else { throw MixingError.emptyMixture(name: mixture) }
                var stream = PackingStream(packing: packing, bosId: bos, eosId: eos)
                var items: [SnapshotItem] = []
                items.reserveCapacity(references.count)
                func packed() {
                    progress(StageProgress(phase: "tokenizing", done: items.count, total: references.count, unit: .count("items"),
                                           detail: "\(stream.emittedTokens) tokens packed, \(writer.shardsWritten) shards written"))
                }
                packed()
                for start in stride(from: 0, to: references.count, by: itemsPerChunk) {
                    let chunk = references[start..<min(start + itemsPerChunk, references.count)]
                    let texts = try chunk.map { reference in
                        guard let text = try MixingRepository.itemText(kind: reference.kind, refId: reference.refId, in: db) else {
                            throw MixingError.itemMissing(kind: reference.kind.rawValue, refId: reference.refId)
                        }
                        return text
                    }
                    for (reference, text) in zip(chunk, texts) {
                        let ids = try encode(text, tokenizer: tokenizer)
                        items.append(SnapshotItem(kind: reference.kind, refId: reference.refId, sha256: Hex.sha256(text), tokenCount: ids.count))
                        try stream.append(ids) { sequence in try writer.write(sequence) }
                        packed()
                    }
                }
                let written = try writer.finish()
                packed()
                return (mixtureId, items, written)
            }
            guard written.tokenCount > 0 else {
                throw MixingError.tooFewTokens(snapshot: "mixture \(mixture)", tokens: items.reduce(0) { $0 + $1.tokenCount }, sequenceLength: packing.sequenceLength)
            }
            let manifest = manifestHash(items: items, tokenizerIdentity: tokenizer.identity, packing: packing)
            return try store.write { db in
                try MixingRepository.insertSnapshot(mixtureId: mixtureId, tokenizer: tokenizer, packing: packing, seed: seed, items: items,
                                                    shards: written.shards, tokenCount: written.tokenCount, manifest: manifest,
                                                    tokensSHA256: written.tokensSHA256, in: db, progress: progress)
            }
        } catch {
            writer.abandon()
            try? removeUnreferenced(writer.createdPaths, store: store)
            throw error
        }
    }

    /// Deletes shard files no snapshot records (files a failed build made).
    static func removeUnreferenced(_ paths: [String], store: Store) throws {
        let base = ShardStore.databaseDirectory(of: store.path)
        let referenced = try store.read { db in try MixingRepository.allShardPrefixes(in: db) }
            .map { TokenShard.resolve(prefix: $0, relativeTo: base) }
        let kept = Set(referenced)
        for path in paths where !kept.contains(String(path.dropLast(4))) { unlink(path) }
    }

    /// The shard files of a snapshot, opened for reading.
    public static func shards(store: Store, id: Int64) throws -> SnapshotShards {
        let (record, shards, inDatabase) = try store.read { db in
            (try MixingRepository.snapshot(id: id, in: db), try MixingRepository.snapshotShards(id: id, in: db),
             try MixingRepository.hasLegacyTokenBlob(id: id, in: db))
        }
        if inDatabase { throw MixingError.tokensInDatabase(snapshot: id, database: store.path) }
        return try SnapshotShards(shards: shards, sequenceLength: record.packing.sequenceLength, base: ShardStore.databaseDirectory(of: store.path))
    }

    /// Every packed token of a snapshot, in memory (for small snapshots and tests).
    public static func tokens(store: Store, id: Int64) throws -> [Int32] {
        var tokens: [Int32] = []
        try shards(store: store, id: id).forEachTokenChunk { tokens.append(contentsOf: $0) }
        return tokens
    }

    /// Recomputes a snapshot: every item's text must still hash as recorded, the manifest must
    /// recompute, every shard file must match its SHA-256 and size, the token stream must
    /// match `tokens_sha256`, and — given the tokenizer — re-tokenizing and re-packing the
    /// items must give the same tokens. Streams: memory does not grow with the snapshot.
    /// Returns the manifest hash. `progress` hears of the shard bytes hashed (phase "checking
    /// shards"), the stream's tokens hashed ("hashing tokens") and every item checked and,
    /// given the tokenizer, re-tokenized and compared ("checking items").
    @discardableResult
    public static func verify(store: Store, id: Int64, tokenizer: (any TextTokenizer)?, progress: ProgressHandler = { _ in }) throws -> String {
        let shards = try shards(store: store, id: id)
        let delimiters = try tokenizer?.documentDelimiters()
        return try store.read { db in
            let record = try MixingRepository.snapshot(id: id, in: db)
            let items = try MixingRepository.snapshotItems(id: id, in: db)
            if let tokenizer, tokenizer.identity != record.tokenizerSHA256 {
                throw MixingError.verificationFailed(snapshot: id, reason: "it was made with tokenizer \(record.tokenizerSHA256), not \(tokenizer.identity)")
            }
            let shardBytes = shards.shards.reduce(0) { $0 + $1.byteCount }
            var bytesHashed = 0
            func hashedBytes(shardsDone: Int) {
                progress(StageProgress(phase: "checking shards", done: bytesHashed, total: shardBytes, unit: .bytes,
                                       detail: "\(shardsDone) of \(shards.shards.count) shards"))
            }
            hashedBytes(shardsDone: 0)
            for index in shards.shards.indices {
                var hasher = SHA256()
                try shards.forEachByteChunk(ofShard: index) { chunk in
                    hasher.update(bufferPointer: chunk)
                    bytesHashed += chunk.count
                    hashedBytes(shardsDone: index)
                }
                let shard = shards.shards[index]
                guard Hex.string(hasher.finalize()) == shard.sha256 else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "shard \(shard.binPath(relativeTo: shards.base)) does not match its SHA-256")
                }
                let indexPath = shard.indexPath(relativeTo: shards.base)
                let expected = MegatronIndex.sha256(sequenceCount: shard.tokenCount / record.packing.sequenceLength,
                                                    sequenceLength: record.packing.sequenceLength, dtype: shard.dtype)
                guard let indexFile = FileManager.default.contents(atPath: indexPath), Hex.sha256(indexFile) == expected else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "shard index \(indexPath) is missing or not the index of its .bin")
                }
                hashedBytes(shardsDone: index + 1)
            }
            guard shards.tokenCount == record.tokenCount else {
                throw MixingError.verificationFailed(snapshot: id, reason: "the shards hold \(shards.tokenCount) tokens, recorded \(record.tokenCount)")
            }
            var streamHasher = SHA256()
            var tokensHashed = 0
            progress(StageProgress(phase: "hashing tokens", done: 0, total: shards.tokenCount, unit: .count("tokens")))
            try shards.forEachTokenChunk { chunk in
                streamHasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
                tokensHashed += chunk.count
                progress(StageProgress(phase: "hashing tokens", done: tokensHashed, total: shards.tokenCount, unit: .count("tokens")))
            }
            guard Hex.string(streamHasher.finalize()) == record.tokensSHA256 else {
                throw MixingError.verificationFailed(snapshot: id, reason: "the shards' tokens do not match tokens_sha256")
            }
            // Re-tokenize item by item and compare each packed sequence with the shards, read in order.
            let reader = SequentialTokenReader(shards: shards)
            var stream = PackingStream(packing: record.packing, bosId: delimiters?.bos ?? 0, eosId: delimiters?.eos ?? 0)
            var sequenceIndex = 0
            func checked(_ done: Int) {
                progress(StageProgress(phase: "checking items", done: done, total: items.count, unit: .count("items"),
                                       detail: tokenizer == nil ? "" : "\(sequenceIndex) sequences re-packed and matched"))
            }
            checked(0)
            for (position, item) in items.enumerated() {
                guard let text = try MixingRepository.itemText(kind: item.kind, refId: item.refId, in: db) else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "item \(position) (\(item.kind.rawValue) \(item.refId)) no longer exists")
                }
                guard Hex.sha256(text) == item.sha256 else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "item \(position) (\(item.kind.rawValue) \(item.refId)) changed since the snapshot")
                }
                if let tokenizer {
                    try stream.append(try encode(text, tokenizer: tokenizer)) { sequence in
                        guard let stored = try reader.next(count: record.packing.sequenceLength), stored.elementsEqual(sequence) else {
                            throw MixingError.verificationFailed(snapshot: id, reason: "re-tokenizing and packing the items gives different tokens at sequence \(sequenceIndex)")
                        }
                        sequenceIndex += 1
                    }
                }
                checked(position + 1)
            }
            if tokenizer != nil, sequenceIndex != shards.sequenceCount {
                throw MixingError.verificationFailed(snapshot: id, reason: "re-packing gives \(sequenceIndex) sequences, the shards hold \(shards.sequenceCount)")
            }
            let manifest = manifestHash(items: items, tokenizerIdentity: record.tokenizerSHA256, packing: record.packing)
            guard manifest == record.manifestSHA256 else {
                throw MixingError.verificationFailed(snapshot: id, reason: "manifest recomputes to \(manifest), recorded \(record.manifestSHA256)")
            }
            return manifest
        }
    }
}
