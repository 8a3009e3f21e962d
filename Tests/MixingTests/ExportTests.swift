import Foundation
import Testing
@testable import Mixing

@Suite struct ExportTests {
    /// 40 tokens in sequences of 8, written as shards of `shardTokens` into a fresh store.
    func snapshot(vocab: Int, shardTokens: Int = 16) throws -> (SnapshotRecord, [Int32], SnapshotShards) {
        let tokens: [Int32] = (0..<40).map { Int32(($0 * 7919) % vocab) }
        let record = SnapshotRecord(id: 7, mixtureId: 1, tokenizer: "t", tokenizerSHA256: "ab", vocabSize: vocab, packing: Packing(sequenceLength: 8),
                                    seed: 1, itemCount: 3, tokenCount: 40, sequenceCount: 5, manifestSHA256: "cafe", tokensSHA256: "x")
        let store = try ShardStore(databasePath: try temporaryDirectory() + "/t.db")
        let writer = try ShardWriter(store: store, dtype: .forVocabulary(vocab), sequenceLength: 8, shardTokens: shardTokens)
        for s in 0..<5 { try writer.write(tokens[(s * 8)..<((s + 1) * 8)]) }
        let shards = try SnapshotShards(shards: try writer.finish().shards, sequenceLength: 8, base: store.databaseDirectory)
        return (record, tokens, shards)
    }

    @Test(arguments: [(259, 16), (70_000, 16), (259, 1000)])
    func theMegatronExportReadsBackWithTheDocumentedLayout(vocab: Int, shardTokens: Int) throws {
        let (record, tokens, shards) = try snapshot(vocab: vocab, shardTokens: shardTokens)
        #expect(shards.shards.count == (shardTokens == 16 ? 3 : 1))
        let directory = try temporaryDirectory()
        try SnapshotExport.write(shards: shards, snapshot: record, format: .megatron, to: directory)
        let index = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/snapshot.idx")))
        // MMIDIDX: 9-byte magic, u64 version, u8 dtype, u64 sequences, u64 documents, i32 sizes, i64 pointers, i64 doc_idx.
        #expect(Array(index[0..<9]) == Array("MMIDIDX\0\0".utf8))
        #expect(index[9] == 1 && index[10..<17].allSatisfy { $0 == 0 })
        #expect(index[17] == (vocab < 65_536 ? 8 : 4))
        #expect(index[18] == 5 && index[26] == 6)
        #expect(index.count == 34 + 5 * 4 + 5 * 8 + 6 * 8)
        let dataset = try MegatronDataset(prefix: directory + "/snapshot")
        #expect(dataset.sequenceLengths == Array(repeating: 8, count: 5))
        #expect(dataset.pointers == (0..<5).map { Int64($0 * 8 * (vocab < 65_536 ? 2 : 4)) })
        #expect(dataset.documentIndex == [0, 1, 2, 3, 4, 5])
        #expect((0..<5).flatMap { dataset.sequence($0) } == tokens)
        let manifest = try String(contentsOfFile: directory + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"manifest_sha256\":\"cafe\""))
    }

    @Test func nanoGPTAndJSONLExportsHoldTheSameTokens() throws {
        let (record, tokens, shards) = try snapshot(vocab: 259)
        let directory = try temporaryDirectory()
        try SnapshotExport.write(shards: shards, snapshot: record, format: .nanogpt, to: directory + "/nano")
        let flat = try Data(contentsOf: URL(fileURLWithPath: directory + "/nano/train.bin"))
        #expect(flat.count == 80)
        let decoded = flat.withUnsafeBytes { raw in (0..<40).map { Int32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) } }
        #expect(decoded == tokens)
        try SnapshotExport.write(shards: shards, snapshot: record, format: .jsonl, to: directory + "/jsonl")
        let lines = try String(contentsOfFile: directory + "/jsonl/snapshot.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0] == "{\"input_ids\":[\(tokens[0..<8].map(String.init).joined(separator: ","))]}")
        #expect(FileManager.default.fileExists(atPath: directory + "/jsonl/manifest.json"))
    }

    @Test func aTruncatedMegatronIndexIsRejected() throws {
        let (record, _, shards) = try snapshot(vocab: 259)
        let directory = try temporaryDirectory()
        try SnapshotExport.write(shards: shards, snapshot: record, format: .megatron, to: directory)
        let path = directory + "/snapshot.idx"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 8).write(to: URL(fileURLWithPath: path))
        #expect(throws: MixingError.self) { try MegatronDataset(prefix: directory + "/snapshot") }
    }
}
