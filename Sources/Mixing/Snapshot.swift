import Crypto
import Foundation
import GRDB
import ProgressReporting
import Randomness
import Store

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
/// `repeatCount` times), shuffle the whole list with the snapshot seed, tokenize, pack. The
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
    public static func select(components: [MixtureComponent], candidates: [[MixtureItem]], seed: UInt64) -> [MixtureItem] {
        var items: [MixtureItem] = []
        for (position, component) in components.enumerated() {
            var chosen = candidates[position]
            if component.ratio < 1 {
                let take = Int((component.ratio * Double(chosen.count)).rounded())
                var rng = SeededGenerator(seed: seed, stream: UInt64(position))
                let picked = shuffled(Array(chosen.indices), using: &rng).prefix(take).sorted()
                chosen = picked.map { chosen[$0] }
            }
            for _ in 0..<component.repeatCount { items += chosen }
        }
        var rng = SeededGenerator(seed: seed, stream: orderStream)
        return shuffled(items, using: &rng)
    }

    /// Fisher–Yates with our generator (independent of the standard library's algorithm).
    static func shuffled<T>(_ array: [T], using rng: inout SeededGenerator) -> [T] {
        var result = array
        if result.count > 1 {
            for i in stride(from: result.count - 1, to: 0, by: -1) {
                result.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
        }
        return result
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { Hex.string(digest) }

    public static func textSHA256(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }

    /// The manifest hash: SHA-256 of a canonical text listing format version, tokenizer,
    /// packing and every item in order.
    public static func manifestHash(items: [SnapshotItem], tokenizerIdentity: String, packing: Packing) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("instructpt-snapshot-v1\ntokenizer \(tokenizerIdentity)\npacking \(packing.json)\nitems \(items.count)\n".utf8))
        for item in items {
            hasher.update(data: Data("\(item.kind.rawValue) \(item.refId) \(item.sha256)\n".utf8))
        }
        return hex(hasher.finalize())
    }

    static func tokensHash(_ tokens: [Int32]) -> String {
        tokens.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }

    /// Tokenizes and packs the items; returns their snapshot items and the packed stream.
    /// `progress` hears of every item tokenized (phase "tokenizing").
    static func build(items: [MixtureItem], tokenizer: SnapshotTokenizer, packing: Packing,
                      progress: ProgressHandler = { _ in }) throws(MixingError) -> ([SnapshotItem], [Int32]) {
        var documents: [[Int32]] = []
        var snapshotItems: [SnapshotItem] = []
        documents.reserveCapacity(items.count)
        var tokenCount = 0
        progress(StageProgress(phase: "tokenizing", done: 0, total: items.count, unit: .count("items")))
        for item in items {
            let ids = tokenizer.encode(item.text)
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= tokenizer.vocabSize }) { throw .tokenOutOfRange(id: bad, vocabSize: tokenizer.vocabSize) }
            documents.append(ids)
            snapshotItems.append(SnapshotItem(kind: item.kind, refId: item.refId, sha256: textSHA256(item.text), tokenCount: ids.count))
            tokenCount += ids.count
            progress(StageProgress(phase: "tokenizing", done: snapshotItems.count, total: items.count, unit: .count("items"),
                                   detail: "\(tokenCount) tokens"))
        }
        return (snapshotItems, packing.pack(documents: documents, bosId: tokenizer.bosId, eosId: tokenizer.eosId))
    }

    /// Creates snapshot rows for a mixture; returns the snapshot id. `progress` hears of every
    /// component read (phase "reading"), item tokenized ("tokenizing") and item row stored ("storing").
    public static func create(store: Store, mixture: String, tokenizer: SnapshotTokenizer, packing: Packing, seed: Int64,
                              progress: ProgressHandler = { _ in }) throws -> Int64 {
        try store.write { db in
            let (mixtureId, components) = try MixingRepository.components(mixture: mixture, in: db)
            var candidates: [[MixtureItem]] = []
            for component in components {
                progress(StageProgress(phase: "reading", done: candidates.count, total: components.count, unit: .count("components")))
                candidates.append(try MixingRepository.candidates(component, in: db))
            }
            let items = select(components: components, candidates: candidates, seed: UInt64(bitPattern: seed))
            guard !items.isEmpty else { throw MixingError.emptyMixture(name: mixture) }
            let (snapshotItems, tokens) = try build(items: items, tokenizer: tokenizer, packing: packing, progress: progress)
            guard !tokens.isEmpty else {
                throw MixingError.tooFewTokens(snapshot: "mixture \(mixture)", tokens: snapshotItems.reduce(0) { $0 + $1.tokenCount }, sequenceLength: packing.sequenceLength)
            }
            let manifest = manifestHash(items: snapshotItems, tokenizerIdentity: tokenizer.identity, packing: packing)
            return try MixingRepository.insertSnapshot(mixtureId: mixtureId, tokenizer: tokenizer, packing: packing, seed: seed, items: snapshotItems,
                                                       tokens: tokens, manifest: manifest, tokensSHA256: tokensHash(tokens), in: db,
                                                       progress: progress)
        }
    }

    /// Recomputes a snapshot from the database: every item's text must still hash as
    /// recorded, the manifest must recompute, the stored tokens must match their hash, and —
    /// given the tokenizer — re-tokenizing and re-packing must give the same tokens.
    /// Returns the manifest hash. `progress` hears of every item's text checked (phase
    /// "checking texts") and re-tokenized ("tokenizing").
    @discardableResult
    public static func verify(store: Store, id: Int64, tokenizer: SnapshotTokenizer?, progress: ProgressHandler = { _ in }) throws -> String {
        try store.read { db in
            let record = try MixingRepository.snapshot(id: id, in: db)
            let items = try MixingRepository.snapshotItems(id: id, in: db)
            var texts: [MixtureItem] = []
            for (position, item) in items.enumerated() {
                progress(StageProgress(phase: "checking texts", done: position, total: items.count, unit: .count("items")))
                guard let text = try MixingRepository.itemText(kind: item.kind, refId: item.refId, in: db) else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "item \(position) (\(item.kind.rawValue) \(item.refId)) no longer exists")
                }
                guard textSHA256(text) == item.sha256 else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "item \(position) (\(item.kind.rawValue) \(item.refId)) changed since the snapshot")
                }
                texts.append(MixtureItem(kind: item.kind, refId: item.refId, text: text))
            }
            progress(StageProgress(phase: "checking texts", done: items.count, total: items.count, unit: .count("items")))
            let manifest = manifestHash(items: items, tokenizerIdentity: record.tokenizerSHA256, packing: record.packing)
            guard manifest == record.manifestSHA256 else {
                throw MixingError.verificationFailed(snapshot: id, reason: "manifest recomputes to \(manifest), recorded \(record.manifestSHA256)")
            }
            let stored = try MixingRepository.snapshotTokens(id: id, in: db)
            guard tokensHash(stored) == record.tokensSHA256 else {
                throw MixingError.verificationFailed(snapshot: id, reason: "the stored tokens do not match tokens_sha256")
            }
            if let tokenizer {
                guard tokenizer.identity == record.tokenizerSHA256 else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "it was made with tokenizer \(record.tokenizerSHA256), not \(tokenizer.identity)")
                }
                let (_, rebuilt) = try build(items: texts, tokenizer: tokenizer, packing: record.packing, progress: progress)
                guard rebuilt == stored else {
                    throw MixingError.verificationFailed(snapshot: id, reason: "re-tokenizing and packing the items gives different tokens")
                }
            }
            return manifest
        }
    }
}
