import Foundation
import GRDB

/// The paper-style comparison of pre-training mixtures (its Table 1): one row per mixture, with
/// its multiple-choice accuracy before and after instruction tuning, its held-out perplexity and
/// a free-form note (e.g. the synthesizer's precision), every figure read from `eval_scores` (a
/// mixture pre-trained with several training seeds gets their pooled accuracy, from
/// `eval_results`). Written as `comparison.md` with a bar chart of accuracy and 95% intervals
/// (`comparison.svg`).
///
///     let rows = [ComparisonReport.Row(label: "Vanilla PT", qaRuns: [3], tunedRun: 7, perplexityRun: 4, note: "")]
///     let report = try store.read { db in try ComparisonReport.build(title: "Held-out people", rows: rows, chance: 0.25, in: db) }
///     try report.write(to: "demo/report")
public struct ComparisonReport: Sendable {
    public struct Row: Sendable {
        public var label: String
        /// The QA runs of the mixture's models, one per training seed; the first model is the
        /// one tuned and measured for perplexity.
        public var qaRuns: [Int64]
        public var tunedRun: Int64?
        public var perplexityRun: Int64?
        public var note: String
        public init(label: String, qaRuns: [Int64], tunedRun: Int64?, perplexityRun: Int64?, note: String) {
            self.label = label
            self.qaRuns = qaRuns
            self.tunedRun = tunedRun
            self.perplexityRun = perplexityRun
            self.note = note
        }
    }

    /// One row's figures: acc and its stderr (pooled over the training runs), before and after
    /// tuning, and perplexity.
    public struct Figures: Sendable, Equatable {
        public var accuracy: Metric
        public var tunedAccuracy: Metric?
        public var perplexity: Double?
    }

    public var markdown: String
    public var svg: String
    public var figures: [Figures]

    public static func build(title: String, rows: [Row], chance: Double, in db: Database) throws -> ComparisonReport {
        func metric(_ name: String, run: Int64) throws -> Metric {
            try EvaluationRepository.metric(name, runId: run, in: db)
        }
        var figures: [Figures] = []
        for row in rows {
            figures.append(Figures(accuracy: try EvaluationRepository.pooledAccuracy(runIds: row.qaRuns, in: db),
                                   tunedAccuracy: try row.tunedRun.map { try metric("acc", run: $0) },
                                   perplexity: try row.perplexityRun.map { try metric("token_perplexity", run: $0).value }))
        }
        func cell(_ metric: Metric?) -> String {
            guard let metric else { return "—" }
            return String(format: "%.4f ± %.4f", metric.value, metric.stderr ?? 0)
        }
        let trainingRuns = rows.map(\.qaRuns.count).max() ?? 1
        var markdown = "# \(title)\n\n"
        markdown += "| mixture | QA acc\(trainingRuns > 1 ? " (\(trainingRuns) training runs)" : "") | QA acc after instruction tuning | held-out token perplexity | eval runs | what the mixture holds |\n|---|---|---|---|---|---|\n"
        for (row, figure) in zip(rows, figures) {
            var runs = ["QA " + row.qaRuns.map(String.init).joined(separator: ", ")]
            if let tuned = row.tunedRun { runs.append("tuned \(tuned)") }
            if let perplexity = row.perplexityRun { runs.append("perplexity \(perplexity)") }
            markdown += "| \(row.label) | \(cell(figure.accuracy)) | \(cell(figure.tunedAccuracy)) | "
                + "\(figure.perplexity.map { String(format: "%.2f", $0) } ?? "—") | \(runs.joined(separator: "; ")) | \(row.note) |\n"
        }
        markdown += "\nacc ± its standard error over the items (lm-eval's `acc`); chance is \(String(format: "%.2f", chance)). "
        if trainingRuns > 1 {
            markdown += "With several training runs an item scores the share of the runs that answered it, so acc is the runs' mean "
                + "and its stderr is over the items; tuning and perplexity are of the first run's model. "
        }
        markdown += "The bar chart (comparison.svg) shows 95% intervals (± 1.96 stderr).\n"

        var chart = BarChart(title: title, yLabel: "accuracy", yRange: 0...1)
        chart.categories = rows.map(\.label)
        func bar(_ metric: Metric?) -> BarChart.Bar? {
            metric.map { BarChart.Bar(value: $0.value, halfInterval: $0.stderr.map { 1.96 * $0 }) }
        }
        chart.series = [BarChart.Series(name: "pre-trained", bars: figures.map { bar($0.accuracy) })]
        if figures.contains(where: { $0.tunedAccuracy != nil }) {
            chart.series.append(BarChart.Series(name: "+ instruction tuning", bars: figures.map { bar($0.tunedAccuracy) }))
        }
        chart.reference = (chance, "chance")
        return ComparisonReport(markdown: markdown, svg: chart.svg(), figures: figures)
    }

    public func write(to directory: String) throws(EvaluationError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(path: directory, reason: error.localizedDescription)
        }
        try EvaluationReport.atomicWrite(svg, to: directory + "/comparison.svg")
        try EvaluationReport.atomicWrite(markdown, to: directory + "/comparison.md")
    }
}
