import Foundation

/// The directory a database's token shards live in, beside the database by default
/// (`corpus.db` → `corpus.shards/`). Shard paths are recorded relative to the database's
/// directory when the store is inside it, so the database and its shards move together.
///
///     let shards = try ShardStore(databasePath: "data/corpus.db")            // data/corpus.shards
///     let elsewhere = try ShardStore(databasePath: "corpus.db", directory: "/scratch/shards")
public struct ShardStore: Sendable {
    /// Absolute path of the shard directory.
    public let directory: String
    /// Absolute path of the directory holding the database (the base of relative shard paths).
    public let databaseDirectory: String

    public init(databasePath: String, directory: String? = nil) throws(MixingError) {
        databaseDirectory = Self.databaseDirectory(of: databasePath)
        let chosen = directory ?? Self.defaultDirectory(databasePath: URL(fileURLWithPath: databasePath).standardizedFileURL.path)
        self.directory = URL(fileURLWithPath: chosen).standardizedFileURL.path
        do { try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(path: self.directory, reason: error.localizedDescription)
        }
    }

    /// The shard directory named by `$IPT_SHARD_DIR`, if set (nil: beside the database).
    public static var environmentDirectory: String? {
        guard let value = ProcessInfo.processInfo.environment["IPT_SHARD_DIR"], !value.isEmpty else { return nil }
        return value
    }

    /// The absolute directory of a database file: the base of its relative shard paths.
    public static func databaseDirectory(of databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).standardizedFileURL.deletingLastPathComponent().path
    }

    /// `<database without its extension>.shards`, next to the database file.
    public static func defaultDirectory(databasePath: String) -> String {
        let url = URL(fileURLWithPath: databasePath)
        return url.deletingPathExtension().path + ".shards"
    }

    /// How a shard prefix in this store is recorded: relative to the database's directory
    /// when the store is under it, absolute otherwise.
    func recordedPrefix(stem: String) -> String {
        let absolute = directory + "/" + stem
        let base = databaseDirectory.hasSuffix("/") ? databaseDirectory : databaseDirectory + "/"
        return absolute.hasPrefix(base) ? String(absolute.dropFirst(base.count)) : absolute
    }

    /// A hidden temporary name in the store for a file being written by this process.
    func temporaryPath(_ label: String) -> String {
        directory + "/.\(label)-\(UUID().uuidString.prefix(8)).tmp-\(getpid())"
    }

    /// Deletes temporary files left by writers that died (`.….tmp-PID` whose process is gone);
    /// returns how many. Files of live processes are left alone.
    @discardableResult
    public func removeStaleTemporaries() -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(".") {
            guard let range = name.range(of: ".tmp-", options: .backwards), let pid = Int32(name[range.upperBound...]) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH, unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }
}
