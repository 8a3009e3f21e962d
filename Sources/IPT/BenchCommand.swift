import ArgumentParser
import Corpus
import Foundation
import JSONLines
import Store

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of a pipeline stage (compare with ../shared/bench peers).",
        subcommands: [BenchIngestCommand.self, BenchTemplifyCommand.self])
}

struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest a JSONL file into a fresh database several times; print MB/s as JSON.",
        discussion: "Each run uses a new temporary database (dedup + FTS5 index included); the median is reported.")

    @Argument(help: "A JSONL corpus file.")
    var file: String

    @Option(help: "How many runs.")
    var runs = 3

    func run() throws {
        var rates: [Double] = []
        var rows = 0
        let megabytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0) / 1e6
        for run in 0..<runs {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-bench-\(getpid())-\(run).db").path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let store = try Store.open(path: path)
            let started = Date()
            let summary = try CorpusIngester(store: store, options: IngestOptions()).ingest(paths: [file])
            let seconds = Date().timeIntervalSince(started)
            rows = summary.textsAdded
            rates.append(megabytes / seconds)
            printError(String(format: "run %d: %.2f s, %.1f MB/s", run + 1, seconds, megabytes / seconds))
        }
        let median = rates.sorted()[rates.count / 2]
        var out = JSONWriter()
        out.object { o in
            o.member("mb") { $0.double((megabytes * 10).rounded() / 10) }
            o.member("rows") { $0.integer(rows) }
            o.member("runs") { json in json.array { a in for r in rates { a.element { $0.double((r * 10).rounded() / 10) } } } }
            o.member("mb_per_s") { $0.double((median * 10).rounded() / 10) }
        }
        print(String(decoding: out.bytes, as: UTF8.self))
    }
}
