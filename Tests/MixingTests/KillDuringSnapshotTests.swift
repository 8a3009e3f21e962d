import Crypto
import Foundation
import GRDB
import Store
import Testing
@testable import Mixing
import Tokenization

/// A `snapshot create` killed (-9) part way: no snapshot row, no shard recorded, and the next
/// build removes the dead build's temporary file, succeeds and verifies.
@Suite struct KillDuringSnapshotTests {
    func ipt() -> URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ipt")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return [beside, root.appendingPathComponent(".build/debug/ipt")].first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func run(_ executable: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func aKilledBuildLeavesNoSnapshotAndTheNextBuildCleansUpAndVerifies() throws {
        guard let ipt = ipt() else {
            Issue.record("the ipt executable was not found next to the tests or in .build/debug: run `swift build` first")
            return
        }
        let directory = try temporaryDirectory()
        let database = directory + "/kill.db", shards = directory + "/kill.shards"
        // 3,000 texts of about 6 KB: long enough for a debug build to be caught part way.
        let sentence = "The archive stores the buffer when the queue is full, and the socket waits for the next cycle. "
        let lines = (0..<3000).map { i in "{\"id\": \"d\(i)\", \"text\": \"document \(i). \(String(repeating: sentence, count: 64))\"}" }
        let corpus = try writeFile(lines.joined(separator: "\n") + "\n", in: directory, name: "corpus.jsonl")
        for arguments in [["ingest", corpus, "--db", database], ["mix", "create", "all", "--component", "raw", "--db", database]] {
            let process = try run(ipt, arguments)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "ipt \(arguments.joined(separator: " ")) failed")
        }
        let create = ["snapshot", "create", "--mixture", "all", "--tokenizer", "bytes", "--seq-len", "64", "--shard-tokens", "65536", "--db", database]
        let builder = try run(ipt, create)
        // Kill it once a first shard is complete (observable: a .bin in the store), while it writes the next.
        func completedShards() -> Int { filesIn(shards).filter { $0.hasSuffix(".bin") }.count }
        while builder.isRunning && completedShards() == 0 { usleep(1000) }
        let caught = builder.isRunning
        kill(builder.processIdentifier, SIGKILL)
        builder.waitUntilExit()
        #expect(caught, "the build finished before it could be killed; make the corpus larger")
        let store = try Store.open(path: database)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshots") } == 0)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot_shards") } == 0)
        // No file in the store is a partial shard under a shard's name: every .bin there is
        // complete (its name is its hash).
        for name in filesIn(shards) where name.hasSuffix(".bin") {
            let data = try Data(contentsOf: URL(fileURLWithPath: shards + "/" + name))
            #expect(name.hasPrefix(Hex.sha256(data) + "-"))
        }
        let again = try run(ipt, create)
        again.waitUntilExit()
        #expect(again.terminationStatus == 0)
        #expect(filesIn(shards).allSatisfy { !$0.contains(".tmp-") })
        let id = try #require(try store.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM snapshots") })
        #expect(try Snapshot.verify(store: store, id: id, tokenizer: ByteTokenizer()).count == 64)
    }
}
