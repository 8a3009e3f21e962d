import ArgumentParser
import Foundation
import JSONLines
import Store
import Templating

struct BenchTemplifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templify",
        abstract: "Templify a finished synthesis run several times on copies of the database; print texts/s as JSON.",
        discussion: """
            Each run copies the database (VACUUM INTO a temporary file, not timed) and templifies \
            the run there: reading chains, rendering, and writing every text with its choices in one \
            transaction (texts_per_s). render_texts_per_s times the renderer alone on chains already \
            in memory. Medians are reported. The database given is not modified.
            Example: ipt bench templify --db corpus.db --run 1 --runs 5
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "The synthesis run's id.")
    var runId: Int64

    @Option(help: "How many runs.")
    var runs = 3

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let source = try Store.open(path: database.db, mode: .readOnly)
        let catalog = try TemplateCatalog.embedded()
        let chains = try source.read { db in try TemplifyRepository.chains(run: runId, in: db) }
        var endToEnd: [Double] = []
        var renderOnly: [Double] = []
        var bytes = 0
        for run in 0..<runs {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-bench-templify-\(getpid())-\(run).db").path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            try source.queue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
            let copy = try Store.open(path: path)
            let summary = try Templify.run(store: copy, run: runId, catalog: catalog)
            endToEnd.append(Double(summary.chains) / summary.seconds)
            bytes = summary.characters

            let started = Date()
            var rendered = 0
            for chain in chains {
                rendered += try TemplifyRenderer.templify(chain, catalog: catalog, seed: Int64(run)).map(\.text.utf8.count).reduce(0, +)
            }
            let seconds = Date().timeIntervalSince(started)
            renderOnly.append(Double(chains.count) / seconds)
            printError(String(format: "run %d: %d texts in %.3f s (%.0f texts/s); render only %.3f s (%.0f texts/s, %.1f MB/s)",
                              run + 1, summary.chains, summary.seconds, endToEnd.last ?? 0, seconds, renderOnly.last ?? 0,
                              Double(rendered) / 1e6 / seconds))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        var out = JSONWriter()
        out.object { o in
            o.member("texts") { $0.integer(chains.count) }
            o.member("mb") { $0.double((Double(bytes) / 1e5).rounded() / 10) }
            o.member("texts_per_s") { $0.double(median(endToEnd).rounded()) }
            o.member("render_texts_per_s") { $0.double(median(renderOnly).rounded()) }
            o.member("runs") { json in json.array { a in for r in endToEnd { a.element { $0.double(r.rounded()) } } } }
        }
        print(String(decoding: out.bytes, as: UTF8.self))
    }
}
