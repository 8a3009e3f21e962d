import ArgumentParser
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
        let store = try Store.open(path: database.db, mode: .readOnly)
        print(try TemplifyBenchmark(run: runId, runs: runs).run(store: store, log: printError))
    }
}
