import Foundation
import Model
import Store

/// A checkpoint directory: transformers' `config.json` + `model.safetensors` (loadable by
/// `DecoderModel.load` and by transformers), `tokenizer.json` when the trainer knows the
/// tokenizer of its data, `optimizer.bin` (AdamW step count and moments),
/// `trainer_state.json` (step, data position, RNG state, config) and `SHA256SUMS`. The
/// checkpoint's hash is the SHA-256 of its SHA256SUMS file.
///
/// Writes are atomic: everything goes to a hidden temporary directory beside the target,
/// each file fsynced, the directory fsynced, then renamed into place — a crash at any point
/// leaves earlier checkpoints untouched and at most a stray `.tmp` directory.
///
///     let sha = try Checkpoint.write(to: "runs/a/step-000100", model: model, optimizer: adam, state: state)
///     let loaded = try Checkpoint.load(directory: "runs/a/step-000100", expectedSHA256: sha)
public struct Checkpoint {
    public var directory: String
    public var model: DecoderModel
    public var optimizer: AdamWState
    public var state: TrainerState
    public var sha256: String

    /// Points at which a write can be stopped for crash tests, in the order they happen.
    public enum Stage: String, CaseIterable, Sendable {
        case weights, optimizer, trainerState, checksums, directorySynced
    }

    static let tokenizerFile = "tokenizer.json"
    static let optimizerFile = "optimizer.bin"
    static let stateFile = "trainer_state.json"
    static let sumsFile = "SHA256SUMS"
    static let optimizerMagic = Array("IPTADAMW".utf8)

    /// The conventional directory name of step `step`: `step-000100`.
    public static func directoryName(step: Int) -> String { String(format: "step-%06d", step) }

    // MARK: - Writing

    /// Writes the checkpoint atomically; returns its SHA-256. `interruptAfter` stops the
    /// write after that stage, leaving what a crash there would leave (tests use it).
    @discardableResult
    public static func write(to directory: String, model: DecoderModel, optimizer: AdamW, state: TrainerState,
                             tokenizerJSON: Data? = nil, interruptAfter: Stage? = nil) throws(TrainingError) -> String {
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent().path
        let temporary = parent + "/." + target.lastPathComponent + ".tmp-\(getpid())"
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: temporary) { try fm.removeItem(atPath: temporary) }
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        } catch {
            throw .writeFailed(path: temporary, reason: error.localizedDescription)
        }
        func stop(_ stage: Stage) throws(TrainingError) { if interruptAfter == stage { throw .interrupted(stage: stage.rawValue) } }

        do { try model.save(directory: temporary) } catch { throw .writeFailed(path: temporary, reason: error.localizedDescription) }
        if let tokenizerJSON { try writeFile(tokenizerJSON, to: temporary + "/" + tokenizerFile) }
        try stop(.weights)
        try writeFile(encodeOptimizer(optimizer.state()), to: temporary + "/" + optimizerFile)
        try stop(.optimizer)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let stateBytes: Data
        do { stateBytes = try encoder.encode(state) } catch { throw .writeFailed(path: temporary, reason: error.localizedDescription) }
        try writeFile(stateBytes, to: temporary + "/" + stateFile)
        try stop(.trainerState)
        let sums = try checksums(directory: temporary)
        try writeFile(Data(sums.utf8), to: temporary + "/" + sumsFile)
        try stop(.checksums)
        try syncDirectory(temporary)
        try stop(.directorySynced)

        // Replace an older directory of the same name (a re-run into the same --out) only
        // once the new one is complete.
        let old = parent + "/." + target.lastPathComponent + ".old-\(getpid())"
        let hadOld = fm.fileExists(atPath: target.path)
        if hadOld, rename(target.path, old) != 0 { throw .writeFailed(path: target.path, reason: String(cString: strerror(errno))) }
        if rename(temporary, target.path) != 0 { throw .writeFailed(path: target.path, reason: String(cString: strerror(errno))) }
        try syncDirectory(parent)
        if hadOld { try? fm.removeItem(atPath: old) }
        return Hex.sha256(Data(sums.utf8))
    }

    static func writeFile(_ data: Data, to path: String) throws(TrainingError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let failure: String? = data.withUnsafeBytes { raw -> String? in
            guard var pointer = raw.baseAddress else { return nil }
            var remaining = raw.count
            while remaining > 0 {
                let written = Foundation.write(fd, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                pointer += written
                remaining -= written
            }
            return nil
        }
        if let failure { throw .writeFailed(path: path, reason: failure) }
        if fsync(fd) != 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    static func syncDirectory(_ path: String) throws(TrainingError) {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    /// `optimizer.bin`: magic "IPTADAMW", step count and value count (little-endian UInt64),
    /// then the first and second moments as little-endian float32.
    static func encodeOptimizer(_ state: AdamWState) -> Data {
        var data = Data(optimizerMagic)
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt64(state.stepCount))
        append(UInt64(state.firstMoment.count))
        state.firstMoment.withUnsafeBytes { data.append(contentsOf: $0) }
        state.secondMoment.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func decodeOptimizer(_ data: Data, path: String) throws(TrainingError) -> AdamWState {
        let bytes = [UInt8](data)
        guard bytes.count >= 24, Array(bytes[0..<8]) == optimizerMagic else {
            throw .corruptCheckpoint(path: path, reason: "not an optimizer state file")
        }
        func integer(at offset: Int) -> UInt64 {
            bytes[offset..<(offset + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        // Both counts come from the file: bound them by its size before any arithmetic on them.
        let rawSteps = integer(at: 8), rawCount = integer(at: 16)
        let payload = UInt64(bytes.count - 24)
        guard rawCount <= payload / 8, payload == 8 * rawCount else {
            throw .corruptCheckpoint(path: path, reason: "it declares \(rawCount) moments but holds \(payload) bytes after its header (8 per moment)")
        }
        guard rawSteps <= UInt64(Int32.max) else {
            throw .corruptCheckpoint(path: path, reason: "step count \(rawSteps) is out of range")
        }
        let steps = Int(rawSteps), count = Int(rawCount)
        func floats(at offset: Int) -> [Float] {
            bytes.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset + 4 * $0, as: UInt32.self).littleEndian) }
            }
        }
        return AdamWState(stepCount: steps, firstMoment: floats(at: 24), secondMoment: floats(at: 24 + 4 * count))
    }

    // MARK: - Checksums

    /// "HASH  NAME" lines for every regular file except SHA256SUMS, sorted by name.
    static func checksums(directory: String) throws(TrainingError) -> String {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != sumsFile && !$0.hasPrefix(".") }.sorted() } catch {
            throw .unreadable(path: directory, reason: error.localizedDescription)
        }
        var lines = ""
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                throw .unreadable(path: directory + "/" + name, reason: "cannot read file")
            }
            lines += Hex.sha256(data) + "  " + name + "\n"
        }
        return lines
    }

    /// Recomputes every file's hash against SHA256SUMS (and the checkpoint hash against
    /// `expectedSHA256`, the one `checkpoints` recorded); returns the checkpoint hash.
    @discardableResult
    public static func verify(directory: String, expectedSHA256: String? = nil) throws(TrainingError) -> String {
        guard let recorded = FileManager.default.contents(atPath: directory + "/" + sumsFile) else {
            throw .corruptCheckpoint(path: directory, reason: "\(sumsFile) is missing")
        }
        let actual = try checksums(directory: directory)
        guard Data(actual.utf8) == recorded else {
            let listed = Set(String(decoding: recorded, as: UTF8.self).split(separator: "\n").map(String.init))
            let bad = actual.split(separator: "\n").map(String.init).filter { !listed.contains($0) }
                .map { $0.split(separator: " ").last.map(String.init) ?? $0 }
            throw .corruptCheckpoint(path: directory, reason: "files differ from \(sumsFile): \(bad.isEmpty ? "a listed file is missing" : bad.joined(separator: ", "))")
        }
        let hash = Hex.sha256(recorded)
        if let expectedSHA256, expectedSHA256 != hash {
            throw .corruptCheckpoint(path: directory, reason: "hash \(hash) differs from the recorded \(expectedSHA256)")
        }
        return hash
    }

    // MARK: - Loading

    /// Verifies, then loads weights, optimizer state and trainer state.
    public static func load(directory: String, expectedSHA256: String? = nil) throws(TrainingError) -> Checkpoint {
        let hash = try verify(directory: directory, expectedSHA256: expectedSHA256)
        let model: DecoderModel
        do { model = try DecoderModel.load(directory: directory) } catch {
            throw .corruptCheckpoint(path: directory, reason: error.localizedDescription)
        }
        let optimizerPath = directory + "/" + optimizerFile, statePath = directory + "/" + stateFile
        guard let optimizerData = FileManager.default.contents(atPath: optimizerPath) else {
            throw .corruptCheckpoint(path: optimizerPath, reason: "missing")
        }
        let optimizer = try decodeOptimizer(optimizerData, path: optimizerPath)
        guard optimizer.firstMoment.count == model.layout.totalCount else {
            throw .corruptCheckpoint(path: optimizerPath, reason: "\(optimizer.firstMoment.count) moments for \(model.layout.totalCount) parameters")
        }
        guard let stateData = FileManager.default.contents(atPath: statePath) else {
            throw .corruptCheckpoint(path: statePath, reason: "missing")
        }
        let state: TrainerState
        do { state = try JSONDecoder().decode(TrainerState.self, from: try nestingModel(stateData, model: model.config)) } catch {
            throw .corruptCheckpoint(path: statePath, reason: error.localizedDescription)
        }
        try check(state, path: statePath)
        guard optimizer.stepCount == state.step else {
            throw .corruptCheckpoint(path: optimizerPath, reason: "it has taken \(optimizer.stepCount) steps but \(stateFile) says step \(state.step)")
        }
        return Checkpoint(directory: directory, model: model, optimizer: optimizer, state: state, sha256: hash)
    }

    /// A trainer_state.json written before TrainConfig held the whole model config (its model
    /// fields flat in "config") gets the checkpoint's own config.json as its model.
    static func nestingModel(_ stateData: Data, model: ModelConfig) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: stateData) as? [String: Any],
              let config = object["config"] as? [String: Any], config["model"] == nil else { return stateData }
        var nested = TrainConfig.nestingModelFields(config)
        nested["model"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(model))
        object["config"] = nested
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The trainer state's numbers, which come from a file someone may hand over with a
    /// regenerated SHA256SUMS: the step within the schedule, the data position the one that
    /// many steps consume (every step takes batch size × accumulation sequences), the config
    /// itself valid.
    static func check(_ state: TrainerState, path: String) throws(TrainingError) {
        do { try state.config.validate() } catch {
            throw .corruptCheckpoint(path: path, reason: "its config is invalid: \(error.localizedDescription)")
        }
        guard state.step >= 0, state.step <= state.config.steps else {
            throw .corruptCheckpoint(path: path, reason: "field \"step\" is \(state.step), outside 0...\(state.config.steps) (the run's steps)")
        }
        let perStep = state.config.batchSize * state.config.gradientAccumulation
        let (expected, overflow) = state.step.multipliedReportingOverflow(by: perStep)
        guard !overflow, state.dataPosition == expected else {
            throw .corruptCheckpoint(path: path, reason: "field \"dataPosition\" is \(state.dataPosition), but \(state.step) steps of \(perStep) sequences end at \(overflow ? "an overflowing position" : String(expected))")
        }
        guard state.epoch >= 0 else {
            throw .corruptCheckpoint(path: path, reason: "field \"epoch\" is \(state.epoch), negative")
        }
    }

    /// The newest `step-*` directory under `runDirectory` that verifies (stray temporary
    /// directories of interrupted writes are ignored).
    public static func latest(in runDirectory: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []
        for name in names.filter({ $0.hasPrefix("step-") }).sorted(by: >) {
            let path = runDirectory + "/" + name
            if (try? verify(directory: path)) != nil { return path }
        }
        return nil
    }
}
