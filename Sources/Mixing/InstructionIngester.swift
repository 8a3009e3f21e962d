import Foundation
import GRDB
import JSONLines
import ProgressReporting
import Store

/// Reads a JSONL file of instruction data into a new named set, in one transaction: a bad
/// line stops the ingest and the file changes nothing, unless `skipInvalid` skips and counts it.
///
///     let summary = try InstructionIngester(store: store).ingest(path: "tasks.jsonl", name: "synth-tasks")
///     print(summary.added, summary.kind)
public struct InstructionIngester {
    /// What one ingest did.
    public struct Summary: Equatable, Sendable {
        public var setId: Int64
        public var kind: InstructionExample.Kind
        public var added: Int
        public var duplicates: Int
        public var skipped: [InstructionDataError]
    }

    public var store: Store
    public var skipInvalid: Bool

    public init(store: Store, skipInvalid: Bool = false) {
        self.store = store
        self.skipInvalid = skipInvalid
    }

    /// `progress` hears of every line parsed (phase "reading", in bytes) and every example
    /// stored ("storing").
    public func ingest(path: String, name: String, progress: ProgressHandler = { _ in }) throws -> Summary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InstructionDataError.unreadable(path: path, reason: "no such file or not readable")
        }
        let bytes = [UInt8](data)
        var examples: [(line: Int, example: InstructionExample)] = []
        var skipped: [InstructionDataError] = []
        var kind: InstructionExample.Kind?
        progress(StageProgress(phase: "reading", done: 0, total: bytes.count, unit: .bytes))
        for (lineNumber, lineBytes, end) in LineSplitter.lines(of: bytes) {
            progress(StageProgress(phase: "reading", done: min(end + 1, bytes.count), total: bytes.count, unit: .bytes,
                                   detail: "\(lineNumber) lines"))
            if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do throws(InstructionDataError) {
                guard String(validating: lineBytes, as: UTF8.self) != nil else { throw .invalidUTF8(path: path, line: lineNumber) }
                let example = try InstructionExample.parse(line: lineBytes, path: path, line: lineNumber)
                if let kind, kind != example.kind { throw .mixedKinds(path: path, line: lineNumber, expected: kind.rawValue) }
                kind = example.kind
                examples.append((lineNumber, example))
            } catch {
                if !skipInvalid { throw error }
                skipped.append(error)
            }
        }
        guard let kind else { throw InstructionDataError.empty(path: path) }
        return try store.write { db in
            let setId = try MixingRepository.createInstructionSet(name: name, kind: kind, path: path, in: db)
            var added = 0
            for (index, (line, example)) in examples.enumerated() {
                progress(StageProgress(phase: "storing", done: index, total: examples.count, unit: .count("examples")))
                if try MixingRepository.insertExample(example, setId: setId, line: line, in: db) { added += 1 }
            }
            progress(StageProgress(phase: "storing", done: examples.count, total: examples.count, unit: .count("examples")))
            return Summary(setId: setId, kind: kind, added: added, duplicates: examples.count - added, skipped: skipped)
        }
    }
}
