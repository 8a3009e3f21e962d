import Foundation
import JSONLines
import ProgressReporting
import Store

/// Templify's speed on a finished synthesis run, end to end on throw-away copies of the
/// database (reading chains, rendering, writing every text in one transaction) and for the
/// renderer alone on chains already in memory. The database measured is not modified.
///
///     let json = try TemplifyBenchmark(run: 1, runs: 3).run(store: store) { print($0) }
///     print(json)   // {"texts":…,"texts_per_s":…,"render_texts_per_s":…}
public struct TemplifyBenchmark: Sendable {
    public var run: Int64
    public var runs: Int

    public init(run: Int64, runs: Int) {
        self.run = run
        self.runs = runs
    }

    /// Medians over `runs` runs as one JSON object; `log` gets a line per run.
    public func run(store: Store, log: (String) -> Void = { _ in }) throws -> String {
        let catalog = try TemplateCatalog.embedded()
        let chains = try store.read { db in try TemplifyRepository.chains(run: run, in: db) }
        var endToEnd: [Double] = [], renderOnly: [Double] = []
        var bytes = 0
        for index in 0..<runs {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-bench-templify-\(getpid())-\(index).db").path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            try store.copy(to: path)
            let summary = try Templify.run(store: try Store.open(path: path), run: run, catalog: catalog)
            endToEnd.append(Double(summary.chains) / summary.seconds)
            bytes = summary.characters

            let watch = Stopwatch()
            var rendered = 0
            for chain in chains {
                rendered += try TemplifyRenderer.templify(chain, catalog: catalog, seed: Int64(index)).map(\.text.utf8.count).reduce(0, +)
            }
            let seconds = watch.elapsed().seconds
            renderOnly.append(Double(chains.count) / seconds)
            log(String(format: "run %d: %d texts in %.3f s (%.0f texts/s); render only %.3f s (%.0f texts/s, %.1f MB/s)",
                       index + 1, summary.chains, summary.seconds, endToEnd.last ?? 0, seconds, renderOnly.last ?? 0, Double(rendered) / 1e6 / seconds))
        }
        var out = JSONWriter()
        out.object { o in
            o.member("texts") { $0.integer(chains.count) }
            o.member("mb") { $0.double((Double(bytes) / 1e5).rounded() / 10) }
            o.member("texts_per_s") { $0.double(Stopwatch.median(endToEnd).rounded()) }
            o.member("render_texts_per_s") { $0.double(Stopwatch.median(renderOnly).rounded()) }
            o.member("runs") { $0.array(ofDoubles: endToEnd.map { $0.rounded() }) }
        }
        return out.text
    }
}
