import Foundation

extension Checkpoint {
    /// What `cleanInterruptedWrites` did with one leftover of a checkpoint write.
    public enum Leftover: Equatable, Sendable {
        /// A half-written `.step-NNNNNN.tmp-PID` directory, removed.
        case removedTemporary(path: String)
        /// The previous `step-NNNNNN`, moved aside as `.step-NNNNNN.old-PID` by a writer that died
        /// before moving the new one in: renamed back into place.
        case restoredPrevious(path: String)
        /// A `.old-PID` directory whose replacement is in place, removed.
        case removedPrevious(path: String)
    }

    /// Cleans up after checkpoint writes interrupted by a crash in `runDirectory`: hidden
    /// `.tmp-PID` and `.old-PID` directories whose writer (PID, on this host) is no longer alive.
    /// A live writer's directories are left alone. Returns what it did, for the caller to report.
    @discardableResult
    public static func cleanInterruptedWrites(in runDirectory: String, isAlive: (Int64) -> Bool = ProcessOwner.isAlive) throws(TrainingError) -> [Leftover] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: runDirectory) else { return [] }
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: runDirectory).sorted() } catch {
            throw .unreadable(path: runDirectory, reason: error.localizedDescription)
        }
        var done: [Leftover] = []
        for name in names where name.hasPrefix(".") {
            // ".step-000100.tmp-4242" → target "step-000100", kind "tmp", writer 4242.
            let parts = name.dropFirst().split(separator: ".")
            guard parts.count == 2, let dash = parts[1].lastIndex(of: "-"),
                  let pid = Int64(parts[1][parts[1].index(after: dash)...]) else { continue }
            let kind = parts[1][..<dash], target = runDirectory + "/" + parts[0], path = runDirectory + "/" + name
            guard kind == "tmp" || kind == "old", !isAlive(pid) else { continue }
            do {
                if kind == "old" && !fm.fileExists(atPath: target) {
                    try fm.moveItem(atPath: path, toPath: target)
                    done.append(.restoredPrevious(path: target))
                } else {
                    try fm.removeItem(atPath: path)
                    done.append(kind == "tmp" ? .removedTemporary(path: path) : .removedPrevious(path: path))
                }
            } catch {
                throw .writeFailed(path: path, reason: error.localizedDescription)
            }
        }
        return done
    }
}
