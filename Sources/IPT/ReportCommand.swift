import ArgumentParser
import Evaluation
import Store

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a Markdown report with SVG plots of evaluation runs and training loss.",
        discussion: """
            Writes OUT/report.md (models × tasks, then every run with all its metrics) and SVG \
            plots: training loss per training run (when the database has train_metrics) and eval \
            scores per checkpoint. The figures are eval_scores values rounded to 4 decimals, as \
            `ipt query eval_scores` prints them. Example: ipt report --out report/ --runs 3,4
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Only these eval run ids (comma-separated; default: all).", valueName: "ids"))
    var runs: String?

    @Option(help: ArgumentHelp("Directory to write report.md and the SVG files into.", valueName: "dir"))
    var out: String

    @OptionGroup var progress: ProgressOptions

    func validate() throws { _ = try runIds() }

    private func runIds() throws -> [Int64]? {
        guard let runs else { return nil }
        return try runs.split(separator: ",").map { part in
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--runs: \"\(part)\" is not a run id; expected e.g. 1,2,5")
            }
            return id
        }
    }

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        let ids = try runIds()
        let report = try progress.showing("report") { onProgress in
            let report = try store.read { db in try EvaluationReport.build(runIds: ids, databasePath: database.db, in: db, progress: onProgress) }
            try report.write(to: out, progress: onProgress)
            return report
        }
        print("{\"report\": \"\(out)/report.md\", \"plots\": \(report.plots.count)}")
    }
}
