import Foundation
import JSONLines
import ProgressReporting

/// Writes a snapshot's packed sequences in formats other trainers read, each with
/// `manifest.json` (the manifest hash, tokenizer, vocabulary and sequence length) beside it:
/// - `jsonl`: `snapshot.jsonl`, one `{"input_ids": [...]}` per sequence (HF `datasets.load_dataset("json")`);
/// - `megatron`: `snapshot.bin` + `snapshot.idx`, Megatron-LM's MMIDIDX indexed dataset, one
///   document per packed sequence (int32 tokens, or uint16 below 65536 ids);
/// - `nanogpt`: `train.bin`, the flat token stream as uint16 (vocabulary < 65536) or uint32.
///
///     try SnapshotExport.write(tokens: tokens, snapshot: record, format: .megatron, to: "out/megatron")
public enum SnapshotExport {
    public enum Format: String, CaseIterable, Sendable { case jsonl, megatron, nanogpt }

    /// Megatron's dtype codes (megatron/core/datasets/indexed_dataset.py, DType).
    static let uint16Code: UInt8 = 8, int32Code: UInt8 = 4
    static let indexMagic: [UInt8] = Array("MMIDIDX".utf8) + [0, 0]

    /// Writes the export into `directory` (created if needed); returns the files written.
    /// `progress` hears of the sequences converted (phase "writing").
    @discardableResult
    public static func write(tokens: [Int32], snapshot: SnapshotRecord, format: Format, to directory: String,
                             progress: ProgressHandler = { _ in }) throws(MixingError) -> [String] {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(path: directory, reason: error.localizedDescription)
        }
        let L = snapshot.packing.sequenceLength
        let sequenceCount = tokens.count / L
        let narrow = snapshot.vocabSize < 65_536
        var files: [String] = []
        func wrote(_ sequences: Int) {
            progress(StageProgress(phase: "writing", done: sequences, total: sequenceCount, unit: .count("sequences")))
        }
        wrote(0)
        switch format {
        case .jsonl:
            var bytes: [UInt8] = []
            for s in 0..<sequenceCount {
                var out = JSONWriter()
                out.object { o in o.member("input_ids") { $0.array(ofIntegers: tokens[(s * L)..<((s + 1) * L)]) } }
                bytes += out.bytes
                bytes.append(0x0A)
                wrote(s + 1)
            }
            files.append(try atomicWrite(Data(bytes), to: directory + "/snapshot.jsonl"))
        case .megatron:
            files.append(try atomicWrite(tokenBytes(tokens, narrow: narrow), to: directory + "/snapshot.bin"))
            files.append(try atomicWrite(megatronIndex(sequenceLengths: Array(repeating: L, count: sequenceCount), narrow: narrow),
                                         to: directory + "/snapshot.idx"))
            wrote(sequenceCount)
        case .nanogpt:
            files.append(try atomicWrite(tokenBytes(tokens, narrow: narrow), to: directory + "/train.bin"))
            wrote(sequenceCount)
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
            o.member("sequences") { $0.integer(sequenceCount) }
            o.member("dtype") { $0.string(format == .jsonl ? "int" : (narrow ? "uint16" : (format == .nanogpt ? "uint32" : "int32"))) }
        }
        files.append(try atomicWrite(Data(meta.bytes + [0x0A]), to: directory + "/manifest.json"))
        return files
    }

    static func tokenBytes(_ tokens: [Int32], narrow: Bool) -> Data {
        if narrow { return tokens.map { UInt16(truncatingIfNeeded: $0).littleEndian }.withUnsafeBytes { Data($0) } }
        return tokens.map { $0.littleEndian }.withUnsafeBytes { Data($0) }
    }

    /// The MMIDIDX index: magic, version 1 (u64), dtype code (u8), sequence count (u64),
    /// document count (u64, = documents + 1), sequence lengths (i32), byte pointers (i64),
    /// document index (i64, the first sequence of each document, then the total).
    static func megatronIndex(sequenceLengths: [Int], narrow: Bool) -> Data {
        var data = Data(indexMagic)
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        u64(1)
        data.append(narrow ? uint16Code : int32Code)
        u64(UInt64(sequenceLengths.count))
        u64(UInt64(sequenceLengths.count + 1))
        for length in sequenceLengths { withUnsafeBytes(of: Int32(length).littleEndian) { data.append(contentsOf: $0) } }
        var pointer: Int64 = 0
        for length in sequenceLengths {
            i64(pointer)
            pointer += Int64(length * (narrow ? 2 : 4))
        }
        for index in 0...sequenceLengths.count { i64(Int64(index)) }
        return data
    }

    /// Temporary file beside the target, fsync, rename.
    static func atomicWrite(_ data: Data, to path: String) throws(MixingError) -> String {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        let ok = data.withUnsafeBytes { raw -> Bool in
            guard var p = raw.baseAddress else { return true }
            var left = raw.count
            while left > 0 {
                let n = Foundation.write(fd, p, left)
                if n < 0 { if errno == EINTR { continue }; return false }
                p += n
                left -= n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed(path: path, reason: reason)
        }
        return path
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
        guard dtypeCode == SnapshotExport.uint16Code || dtypeCode == SnapshotExport.int32Code else {
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
        let width = dtypeCode == SnapshotExport.uint16Code ? 2 : 4
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
            if dtypeCode == SnapshotExport.uint16Code {
                return (0..<count).map { Int32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * $0, as: UInt16.self))) }
            }
            return (0..<count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: Int32.self)) }
        }
    }
}
