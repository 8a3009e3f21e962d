import Foundation
import JSONLines
import ProgressReporting

/// Writes a snapshot's packed sequences in formats other trainers read, each with
/// `manifest.json` (the manifest hash, tokenizer, vocabulary and sequence length) beside it:
/// - `jsonl`: `snapshot.jsonl`, one `{"input_ids": [...]}` per sequence (HF `datasets.load_dataset("json")`);
/// - `megatron`: `snapshot.bin` + `snapshot.idx`, Megatron-LM's MMIDIDX indexed dataset, one
///   document per packed sequence (the shards' own layout: uint16 tokens up to 65536 ids, else
///   int32) — a hard link to a single-shard snapshot's files, else the shards concatenated;
/// - `nanogpt`: `train.bin`, the flat token stream as uint16 (vocabulary ≤ 65536) or uint32.
/// Every file is streamed from the shards and written atomically; memory does not grow with
/// the snapshot.
///
///     let shards = try Snapshot.shards(store: store, id: 1)
///     try SnapshotExport.write(shards: shards, snapshot: record, format: .megatron, to: "out/megatron")
public enum SnapshotExport {
    public enum Format: String, CaseIterable, Sendable { case jsonl, megatron, nanogpt }

    static let indexMagic = MegatronIndex.magic

    /// Writes the export into `directory` (created if needed); returns the files written.
    /// `progress` hears of the sequences written (phase "writing"): each one converted to
    /// JSON, or, for the binary formats, as many as the shard bytes copied so far hold.
    @discardableResult
    public static func write(shards: SnapshotShards, snapshot: SnapshotRecord, format: Format, to directory: String,
                             progress: ProgressHandler = { _ in }) throws -> [String] {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw MixingError.writeFailed(path: directory, reason: error.localizedDescription)
        }
        let L = snapshot.packing.sequenceLength
        let dtypes = Set(shards.shards.map(\.dtype))
        guard dtypes.count <= 1 else { throw MixingError.malformedShard(path: shards.base, reason: "the snapshot's shards mix token widths") }
        let dtype = dtypes.first ?? .forVocabulary(snapshot.vocabSize)
        var files: [String] = []
        func wrote(_ sequences: Int) {
            progress(StageProgress(phase: "writing", done: sequences, total: shards.sequenceCount, unit: .count("sequences")))
        }
        wrote(0)
        switch format {
        case .jsonl:
            let sink = try AtomicFileSink(temporaryPath: directory + "/.snapshot.jsonl.tmp-\(getpid())")
            let reader = SequentialTokenReader(shards: shards)
            var written = 0
            while let sequence = try reader.next(count: L) {
                var out = JSONWriter()
                out.object { o in o.member("input_ids") { $0.array(ofIntegers: sequence[...]) } }
                try (out.bytes + [0x0A]).withUnsafeBytes { raw in try sink.append(raw) }
                written += 1
                wrote(written)
            }
            files.append(try sink.commit { _ in directory + "/snapshot.jsonl" }.path)
        case .megatron:
            let bin = directory + "/snapshot.bin", idx = directory + "/snapshot.idx"
            if shards.shards.count == 1, link(shards.shards[0].binPath(relativeTo: shards.base), bin, replacing: true),
               link(shards.shards[0].indexPath(relativeTo: shards.base), idx, replacing: true) {
                files += [bin, idx]
                wrote(shards.sequenceCount)
            } else {
                files.append(try concatenate(shards, to: bin, progress: wrote))
                let index = try AtomicFileSink(temporaryPath: directory + "/.snapshot.idx.tmp-\(getpid())")
                try MegatronIndex.write(sequenceCount: shards.sequenceCount, sequenceLength: L, dtype: dtype, to: index)
                files.append(try index.commit { _ in idx }.path)
            }
        case .nanogpt:
            // uint16 shards are nanoGPT's uint16; int32 shards hold non-negative ids, which are the same bytes as uint32.
            files.append(try concatenate(shards, to: directory + "/train.bin", progress: wrote))
        }
        var meta = JSONWriter()
        meta.object { o in
            o.member("snapshot_id") { $0.integer(snapshot.id) }
            o.member("manifest_sha256") { $0.string(snapshot.manifestSHA256) }
            o.member("format") { $0.string(format.rawValue) }
            o.member("tokenizer") { $0.string(snapshot.tokenizer) }
            o.member("tokenizer_sha256") { $0.string(snapshot.tokenizerSHA256) }
            o.member("vocab_size") { $0.integer(snapshot.vocabSize) }
            o.member("seq_len") { $0.integer(L) }
            o.member("sequences") { $0.integer(shards.sequenceCount) }
            o.member("dtype") { $0.string(format == .jsonl ? "int" : (dtype == .uint16 ? "uint16" : (format == .nanogpt ? "uint32" : "int32"))) }
        }
        let manifest = try AtomicFileSink(temporaryPath: directory + "/.manifest.json.tmp-\(getpid())")
        try (meta.bytes + [0x0A]).withUnsafeBytes { raw in try manifest.append(raw) }
        files.append(try manifest.commit { _ in directory + "/manifest.json" }.path)
        return files
    }

    /// Hard-links `source` as `target` (replacing an old `target`); false when the file system
    /// cannot (another device), and the caller copies instead.
    static func link(_ source: String, _ target: String, replacing: Bool) -> Bool {
        let temporary = target + ".link-\(getpid())"
        unlink(temporary)
        guard Foundation.link(source, temporary) == 0 else { return false }
        guard rename(temporary, target) == 0 else { unlink(temporary); return false }
        return true
    }

    /// Streams every shard's `.bin` bytes, in order, into one file written atomically;
    /// `progress` hears of the whole sequences copied so far after every chunk.
    static func concatenate(_ shards: SnapshotShards, to path: String, progress: (Int) -> Void) throws -> String {
        let sink = try AtomicFileSink(temporaryPath: (path as NSString).deletingLastPathComponent + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())")
        var sequencesBefore = 0
        for index in shards.shards.indices {
            let sequenceBytes = shards.shards[index].dtype.width * shards.sequenceLength
            var copied = 0
            try shards.forEachByteChunk(ofShard: index) { chunk in
                try sink.append(chunk)
                copied += chunk.count
                progress(sequencesBefore + copied / sequenceBytes)
            }
            sequencesBefore += shards.shards[index].tokenCount / shards.sequenceLength
        }
        return try sink.commit { _ in path }.path
    }
}

/// A Megatron-LM MMIDIDX indexed dataset read back from `.idx` + `.bin` (the layout
/// `SnapshotExport` writes; also readable for any Megatron dataset of int32 or uint16 tokens).
///
///     let dataset = try MegatronDataset(prefix: "out/megatron/snapshot")
///     let first = dataset.sequence(0)
public struct MegatronDataset {
    public let dtypeCode: UInt8
    public let sequenceLengths: [Int32]
    public let pointers: [Int64]
    public let documentIndex: [Int64]
    let data: Data

    public init(prefix: String) throws(MixingError) {
        let indexPath = prefix + ".idx", binPath = prefix + ".bin"
        guard let index = FileManager.default.contents(atPath: indexPath) else { throw .malformedExport(path: indexPath, reason: "missing") }
        guard let data = FileManager.default.contents(atPath: binPath) else { throw .malformedExport(path: binPath, reason: "missing") }
        let bytes = [UInt8](index)
        guard bytes.count >= 34, Array(bytes[0..<9]) == SnapshotExport.indexMagic else { throw .malformedExport(path: indexPath, reason: "no MMIDIDX header") }
        func u64(_ at: Int) -> UInt64 { bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) } }
        guard u64(9) == 1 else { throw .malformedExport(path: indexPath, reason: "version \(u64(9)), expected 1") }
        dtypeCode = bytes[17]
        guard dtypeCode == TokenShard.DType.uint16.megatronCode || dtypeCode == TokenShard.DType.int32.megatronCode else {
            throw .malformedExport(path: indexPath, reason: "dtype code \(dtypeCode) (only uint16 = 8 and int32 = 4 are read)")
        }
        let sequences = Int(u64(18)), documents = Int(u64(26))
        let expected = 34 + 4 * sequences + 8 * sequences + 8 * documents
        guard bytes.count == expected else { throw .malformedExport(path: indexPath, reason: "\(bytes.count) bytes, header implies \(expected)") }
        var offset = 34
        sequenceLengths = bytes.withUnsafeBytes { raw in (0..<sequences).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: Int32.self)) } }
        offset += 4 * sequences
        let pointerStart = offset
        pointers = bytes.withUnsafeBytes { raw in (0..<sequences).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: pointerStart + 8 * $0, as: Int64.self)) } }
        offset += 8 * sequences
        let documentStart = offset
        documentIndex = bytes.withUnsafeBytes { raw in (0..<documents).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: documentStart + 8 * $0, as: Int64.self)) } }
        let width = dtypeCode == TokenShard.DType.uint16.megatronCode ? 2 : 4
        if let last = pointers.last, let length = sequenceLengths.last, Int(last) + Int(length) * width > data.count {
            throw .malformedExport(path: binPath, reason: "shorter than the index says")
        }
        self.data = data
    }

    public var sequenceCount: Int { sequenceLengths.count }

    /// The tokens of sequence `i`.
    public func sequence(_ i: Int) -> [Int32] {
        let start = Int(pointers[i]), count = Int(sequenceLengths[i])
        return data.withUnsafeBytes { raw in
            if dtypeCode == TokenShard.DType.uint16.megatronCode {
                return (0..<count).map { Int32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * $0, as: UInt16.self))) }
            }
            return (0..<count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: Int32.self)) }
        }
    }
}
