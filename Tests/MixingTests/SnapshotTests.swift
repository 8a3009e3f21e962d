import Foundation
import GRDB
import Store
import Testing
@testable import Mixing
import Tokenization

/// A tokenizer identical to ByteTokenizer but with another identity (as a retrained one would have).
struct RenamedByteTokenizer: TextTokenizer {
    func encode(_ text: String) -> [Int32] { ByteTokenizer().encode(text) }
    var bosId: Int32? { 0 }
    var eosId: Int32? { 1 }
    var vocabSize: Int { 259 }
    var name: String { "bytes-2" }
    var identity: String { String(repeating: "ab", count: 32) }
}

func scratchMixture(_ store: Store, runId: Int64, name: String = "scratch") throws {
    let directory = try temporaryDirectory()
    let tasks = try writeFile("""
        {"context": "Water boils at 100 C.", "pairs": [{"Q": "When does water boil?", "A": "At 100 C."}]}
        {"context": "Cats purr.", "pairs": [{"Q": "What do cats do?", "A": "Purr."}]}
        """, in: directory, name: "tasks.jsonl")
    if try store.read({ db in try Int.fetchOne(db, sql: "SELECT count(*) FROM instruction_sets WHERE name = 'tasks'") }) == 0 {
        _ = try InstructionIngester(store: store).ingest(path: tasks, name: "tasks")
    }
    let components = try ["augmented:run=\(runId)", "raw:source=web,exclude-run=\(runId)", "instructions:set=tasks,repeat=4"].map(MixtureComponent.parse)
    _ = try store.write { db in try MixingRepository.createMixture(name: name, components: components, in: db) }
}

@Suite struct SnapshotTests {
    @Test func componentSpecsParseAndPrintBack() throws {
        for spec in ["augmented:run=3", "raw:source=web,split=train,exclude-run=3,ratio=0.2", "instructions:set=general,repeat=4", "raw"] {
            #expect(try MixtureComponent.parse(spec).spec == spec)
        }
        for bad in ["augmented", "instructions:repeat=2", "raw:ratio=1.5", "raw:repeat=0", "raw:colour=red", "raw:set=x", "mixed:run=1", "raw:source"] {
            #expect(throws: MixingError.self) { try MixtureComponent.parse(bad) }
        }
    }

    @Test func theFromScratchRecipeTakesAugmentedTheOtherRawAndInstructionsFourTimes() throws {
        let (store, rawIds, runId) = try fixtureStore(rawCount: 10, augmentedRaw: [0, 1])
        try scratchMixture(store, runId: runId)
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1)
        let items = try store.read { db in try MixingRepository.snapshotItems(id: id, in: db) }
        #expect(items.filter { $0.kind == .augmented }.count == 2)
        #expect(Set(items.filter { $0.kind == .raw }.map(\.refId)) == Set(rawIds[2...]))
        #expect(items.filter { $0.kind == .instructions }.count == 8)
        #expect(items.count == 18)
    }

    @Test func theSameInputsGiveTheSameManifestAndAnyChangeAnother() throws {
        let (store, _, runId) = try fixtureStore()
        try scratchMixture(store, runId: runId)
        func make(_ seed: Int64 = 1, _ length: Int = 32, _ bos: Packing.BOS = .document, _ tokenizer: any TextTokenizer = ByteTokenizer()) throws -> (String, [Int32]) {
            let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: tokenizer, packing: Packing(sequenceLength: length, bos: bos), seed: seed)
            return (try store.read { db in try MixingRepository.snapshot(id: id, in: db).manifestSHA256 }, try Snapshot.tokens(store: store, id: id))
        }
        let base = try make()
        let again = try make()
        #expect(base.0 == again.0 && base.1 == again.1)
        let variants = [try make(2), try make(1, 48), try make(1, 32, .sequence), try make(1, 32, .document, RenamedByteTokenizer())]
        #expect(Set(variants.map(\.0) + [base.0]).count == 5)
        // A different component list (ratio) changes the items, hence the hash.
        let components = try ["augmented:run=\(runId)", "raw:source=web,exclude-run=\(runId),ratio=0.5", "instructions:set=tasks,repeat=4"].map(MixtureComponent.parse)
        _ = try store.write { db in try MixingRepository.createMixture(name: "half", components: components, in: db) }
        let half = try Snapshot.create(store: store, mixture: "half", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1)
        let halfItems = try store.read { db in try MixingRepository.snapshotItems(id: half, in: db) }
        #expect(halfItems.filter { $0.kind == .raw }.count == 4)
    }

    @Test func verifyRecomputesAndCatchesAChangedText() throws {
        let (store, rawIds, runId) = try fixtureStore()
        try scratchMixture(store, runId: runId)
        let id = try Snapshot.create(store: store, mixture: "scratch", tokenizer: ByteTokenizer(), packing: Packing(sequenceLength: 32), seed: 1)
        let manifest = try store.read { db in try MixingRepository.snapshot(id: id, in: db).manifestSHA256 }
        #expect(try Snapshot.verify(store: store, id: id, tokenizer: ByteTokenizer()) == manifest)
        #expect(throws: MixingError.self) { try Snapshot.verify(store: store, id: id, tokenizer: RenamedByteTokenizer()) }
        try store.write { db in try db.execute(sql: "UPDATE raw_texts SET text = 'edited' WHERE id = ?", arguments: [rawIds[5]]) }
        #expect(throws: MixingError.self) { try Snapshot.verify(store: store, id: id, tokenizer: nil) }
    }

    @Test func packingJoinsDocumentsWithEOSAndPlacesBOSAsConfigured() {
        let documents: [[Int32]] = [[5, 6, 7], [8], [9, 10, 11, 12]]
        #expect(Packing(sequenceLength: 4, bos: .document).pack(documents: documents, bosId: 0, eosId: 1)
                == [0, 5, 6, 7, 1, 0, 8, 1, 0, 9, 10, 11])
        #expect(Packing(sequenceLength: 4, bos: .sequence).pack(documents: documents, bosId: 0, eosId: 1)
                == [0, 5, 6, 7, 0, 1, 8, 1, 0, 9, 10, 11])
        #expect(Packing(sequenceLength: 5, bos: .none).pack(documents: documents, bosId: 0, eosId: 1)
                == [5, 6, 7, 1, 8, 1, 9, 10, 11, 12])
    }
}
