import Foundation
import JSONLines
import ProgressReporting
import Store

/// Ingest speed: a JSONL file ingested into a fresh temporary database (dedup and the FTS5
/// index included) several times.
///
///     let json = try IngestBenchmark(file: "man.jsonl", runs: 3).run { print($0) }
///     print(json)   // {"mb":…,"rows":…,"runs":[…],"mb_per_s":…}
public struct IngestBenchmark: Sendable {
    public var file: String
    public var runs: Int

    public init(file: String, runs: Int) {
        self.file = file
        self.runs = runs
    }

    /// The median MB/s as one JSON object; `log` gets a line per run.
    public func run(log: (String) -> Void = { _ in }) throws -> String {
        var rates: [Double] = []
        var rows = 0
        let megabytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0) / 1e6
        for run in 0..<runs {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-bench-\(getpid())-\(run).db").path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let store = try Store.open(path: path)
            let watch = Stopwatch()
            let summary = try CorpusIngester(store: store, options: IngestOptions()).ingest(paths: [file])
            let seconds = watch.elapsed().seconds
            rows = summary.textsAdded
            rates.append(megabytes / seconds)
            log(String(format: "run %d: %.2f s, %.1f MB/s", run + 1, seconds, megabytes / seconds))
        }
        func tenth(_ value: Double) -> Double { (value * 10).rounded() / 10 }
        var out = JSONWriter()
        out.object { o in
            o.member("mb") { $0.double(tenth(megabytes)) }
            o.member("rows") { $0.integer(rows) }
            o.member("runs") { $0.array(ofDoubles: rates.map(tenth)) }
            o.member("mb_per_s") { $0.double(tenth(Stopwatch.median(rates))) }
        }
        return out.text
    }
}
