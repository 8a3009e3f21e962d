import Foundation
import GRDB
import Model
import Training
import ProgressReporting

/// Builds the evaluation report from the database: `report.md` (a table of evaluated models ×
/// tasks, then every run with all its metrics) and SVG plots (training loss per training run
/// with metrics, and eval scores per checkpoint).
/// Every number is an `eval_scores` value rounded by SQLite's `printf('%.4f')`, the same text
/// `ipt query eval_scores` prints.
///
///     let report = try store.read { db in try EvaluationReport.build(runIds: nil, databasePath: "x.db", in: db) }
///     try report.write(to: "report/")   // report.md, loss-run-1.svg, scores-capitals-0shot.svg …
public struct EvaluationReport: Sendable {
    public var markdown: String
    /// File name → SVG document.
    public var plots: [(name: String, svg: String)]

    /// Writes report.md and the plots; `progress` hears of every file written (phase "writing").
    public func write(to directory: String, progress: ProgressHandler = { _ in }) throws(EvaluationError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(path: directory, reason: error.localizedDescription)
        }
        for (index, (name, svg)) in plots.enumerated() {
            progress(StageProgress(phase: "writing", done: index, total: plots.count + 1, unit: .count("files")))
            try Self.atomicWrite(svg, to: directory + "/" + name)
        }
        try Self.atomicWrite(markdown, to: directory + "/report.md")
        progress(StageProgress(phase: "writing", done: plots.count + 1, total: plots.count + 1, unit: .count("files")))
    }

    /// Temp file, fsync, rename (the Model target's `AtomicFile`), so a reader never sees half a file.
    static func atomicWrite(_ text: String, to path: String) throws(EvaluationError) {
        do { try AtomicFile.write(Array(text.utf8), to: path) } catch {
            if case let .writeFailed(_, reason) = error { throw .writeFailed(path: path, reason: reason) }
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
    }

    public static func build(runIds: [Int64]?, databasePath: String, in db: Database,
                             progress: ProgressHandler = { _ in }) throws -> EvaluationReport {
        let runs = try EvaluationRepository.runs(ids: runIds, in: db)
        let taskNames = try EvaluationRepository.taskNames(in: db)
        var metrics: [Int64: [Metric]] = [:]
        var rounded: [Int64: [String: (value: String, stderr: String?)]] = [:]
        for (index, run) in runs.enumerated() {
            progress(StageProgress(phase: "reading runs", done: index, total: runs.count, unit: .count("runs")))
            metrics[run.id] = try EvaluationRepository.metrics(runId: run.id, in: db)
            rounded[run.id] = try EvaluationRepository.roundedMetrics(runId: run.id, in: db)
        }
        let checkpoints = Dictionary(uniqueKeysWithValues: try TrainingRepository.allCheckpoints(in: db).map { ($0.id, $0) })

        func column(_ run: EvalRun) -> String {
            let sampler = run.shots > 0 && run.fewshotSampler != "random" ? ", \(run.fewshotSampler)" : ""
            return run.kind == .perplexity ? "held-out perplexity" : "\(taskNames[run.taskId ?? -1] ?? "task \(run.taskId ?? -1)") (\(run.shots)-shot\(sampler))"
        }
        func model(_ run: EvalRun) -> String {
            var label: String
            switch (run.checkpointId, run.modelPath) {
            case let (checkpoint?, path?): label = "checkpoint \(checkpoint) (`\(path)`)"
            case let (checkpoint?, nil): label = "checkpoint \(checkpoint)"
            case let (nil, path?): label = "`\(path)`"
            case (nil, nil): label = "?"
            }
            // The same weights read through another tokenizer are another model.
            if let path = run.modelPath, run.tokenizer != path + "/tokenizer.json" { label += " with tokenizer `\(run.tokenizer)`" }
            return label
        }
        func value(_ run: EvalRun, _ name: String) -> Metric? { metrics[run.id]?.first { $0.name == name } }
        // Figures are SQLite's own rounding of the stored values, so they match `ipt sql` exactly.
        func figure(_ run: EvalRun, _ name: String) -> String {
            guard let text = rounded[run.id]?[name] else { return "" }
            return text.value + (text.stderr.map { " ± " + $0 } ?? "")
        }

        var md = "# Evaluation report\n\n"
        md += "Built by `ipt report` from `\(databasePath)`. Every figure is a value of `eval_scores` rounded to 4 decimals "
        md += "(± the standard error of the mean); `ipt query eval_scores --db \(databasePath)` prints the same numbers.\n\n"
        if runs.isEmpty { md += "No evaluation runs yet: run `ipt eval` first.\n" }

        // Models × tasks: the latest run of each model on each task and shot count.
        let columns = unique(runs.map(column))
        let models = unique(runs.map(model))
        var latest: [String: EvalRun] = [:]
        for run in runs { latest[model(run) + "\u{0}" + column(run)] = run }
        if !runs.isEmpty {
            md += "## Models × tasks\n\n"
            md += "Multiple-choice cells: acc / acc_norm (run id). Perplexity cells: bits per byte / token perplexity (run id).\n\n"
            md += "| model | " + columns.joined(separator: " | ") + " |\n"
            md += "|---|" + String(repeating: "---|", count: columns.count) + "\n"
            for name in models {
                var cells = [name]
                for columnName in columns {
                    guard let run = latest[name + "\u{0}" + columnName] else { cells.append("—"); continue }
                    if run.kind == .perplexity {
                        cells.append("\(figure(run, "bits_per_byte")) / \(figure(run, "token_perplexity")) (run \(run.id))")
                    } else {
                        cells.append("\(figure(run, "acc")) / \(figure(run, "acc_norm")) (run \(run.id))")
                    }
                }
                md += "| " + cells.joined(separator: " | ") + " |\n"
            }
            md += "\n## Runs\n\n"
            let metricNames = unique(runs.flatMap { (metrics[$0.id] ?? []).map(\.name) }).sorted()
            md += "| run | task | model | split | shots | seed | n | " + metricNames.joined(separator: " | ") + " | created |\n"
            md += "|---|---|---|---|---|---|---|" + String(repeating: "---|", count: metricNames.count) + "---|\n"
            for run in runs {
                let cells = ["\(run.id)", column(run), model(run), run.split, "\(run.shots)", "\(run.seed)", "\(run.itemCount)"]
                    + metricNames.map { figure(run, $0) } + [run.createdAt]
                md += "| " + cells.joined(separator: " | ") + " |\n"
            }
        }

        var plots: [(name: String, svg: String)] = []
        let curves = try TrainingRepository.lossCurves(in: db)
        let plotsPlanned = curves.count + columns.count
        func plotted() { progress(StageProgress(phase: "plotting", done: plots.count, total: plotsPlanned, unit: .count("plots"))) }
        plotted()
        for curve in curves {
            defer { plotted() }
            var chart = LineChart(title: "Training loss, run \(curve.runId)", xLabel: "step", yLabel: "loss")
            chart.series = [("loss", curve.loss), ("eval_loss", curve.evalLoss)].filter { !$0.1.isEmpty }.map { name, points in
                LineChart.Series(name: name, points: points.map { (Double($0.step), $0.value) })
            }
            plots.append(("loss-run-\(curve.runId).svg", chart.svg()))
        }
        // Scores by checkpoint (x = training step when known) for every task column with runs.
        for columnName in columns {
            defer { plotted() }
            let columnRuns = runs.filter { column($0) == columnName }
            let byCheckpoint = columnRuns.contains { $0.checkpointId != nil }
            let xLabel = byCheckpoint ? (checkpoints.isEmpty ? "checkpoint id" : "training step") : "eval run id"
            func x(_ run: EvalRun) -> Double {
                guard let checkpoint = run.checkpointId else { return Double(run.id) }
                return Double(checkpoints[checkpoint].map { Int64($0.step) } ?? checkpoint)
            }
            let sorted = columnRuns.filter { !byCheckpoint || $0.checkpointId != nil }.sorted { (x($0), $0.id) < (x($1), $1.id) }
            // One line per training run: steps of different runs are not one curve.
            var groups: [(label: String, runs: [EvalRun])] = []
            for run in sorted {
                let trainingRun = run.checkpointId.flatMap { checkpoints[$0]?.runId }
                let label = trainingRun.map { " (training run \($0))" } ?? ""
                if let index = groups.firstIndex(where: { $0.label == label }) { groups[index].runs.append(run) } else { groups.append((label, [run])) }
            }
            let isPerplexity = columnRuns.first?.kind == .perplexity
            let names = isPerplexity ? ["bits_per_byte"] : ["acc", "acc_norm"]
            var chart = LineChart(title: columnName + (byCheckpoint ? " by checkpoint" : " by run"), xLabel: xLabel,
                                  yLabel: isPerplexity ? "bits per byte" : "accuracy", yRange: isPerplexity ? nil : 0...1)
            chart.integerX = true
            chart.series = groups.flatMap { group in
                names.map { name in
                    LineChart.Series(name: name + group.label, points: group.runs.compactMap { run in value(run, name).map { (x(run), $0.value) } })
                }
            }
            plots.append(("scores-\(slug(columnName)).svg", chart.svg()))
        }
        if !plots.isEmpty {
            md += "\n## Plots\n\n"
            for plot in plots { md += "![\(plot.name)](\(plot.name))\n\n" }
        }
        return EvaluationReport(markdown: md, plots: plots)
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII { out.unicodeScalars.append(scalar) }
            else if !out.hasSuffix("-") { out += "-" }
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
