import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GRDB
import Store
import Testing
@testable import Evaluation

@Suite struct ReportTests {
    /// Rows as `ipt eval` would write them: two checkpoints' runs on one task and a perplexity run.
    func populatedStore() throws -> Store {
        let store = try Store.open(path: temporaryPath("report.db"))
        try store.write { db in
            let items = (1...4).map { TaskItem(id: Int64($0), context: "Q\($0)", choices: ["a", "b"], gold: 0) }
            let task = try EvaluationRepository.importTask(name: "capitals", sourcePath: nil, items: items, in: db)
            for (index, logprobs) in [[-1.0, -2.0], [-3.0, -0.5]].enumerated() {
                let results = try EvaluationRepository.items(taskId: task.id, in: db).map {
                    ItemResult(item: $0, logLikelihoods: $0.id % 2 == 0 ? logprobs : logprobs.reversed(), exampleIds: [])
                }
                _ = try EvaluationRepository.recordRun(MultipleChoiceScores(results: results), task: task,
                                                       model: EvaluatedModel(path: "runs/m\(index)", tokenizer: "bytes"), split: .test, shots: 0, seed: 0, in: db)
            }
            // Word perplexity e^102.9: a number longer than a Double's 17 digits, where only
            // SQLite's own rounding gives the text `ipt sql` shows.
            let perplexity = PerplexityScores(results: [TextResult(rawTextId: 1, logLikelihood: -1234.5, tokenCount: 50, byteCount: 60, wordCount: 12)])
            try db.execute(sql: "INSERT INTO sources (name) VALUES ('s')")
            try db.execute(sql: "INSERT INTO raw_texts (source_id, split, text, sha256, char_count, byte_count) VALUES (1, 'heldout', 'x', ?, 1, 1)", arguments: [Hex.sha256("x")])
            _ = try EvaluationRepository.recordPerplexityRun(perplexity, model: EvaluatedModel(path: "runs/m1", tokenizer: "bytes"), in: db)
            // A training run as the Training stage records it: loss per step and two checkpoints,
            // each evaluated on the task.
            try db.execute(sql: "INSERT INTO instruction_sets (name, kind, path) VALUES ('general', 'general', 'g.jsonl')")
            try db.execute(sql: """
                INSERT INTO training_runs (instruction_set_id, mode, config_json, seed, out_dir) VALUES (1, 'synthesizer', '{}', 0, 'out')
                """)
            for step in 0..<20 {
                try db.execute(sql: "INSERT INTO train_metrics (run_id, step, loss, lr, grad_norm, tokens_per_s) VALUES (1, ?, ?, 0.001, 1, 100)",
                               arguments: [step * 10, 6 - 0.2 * Double(step)])
            }
            for (checkpoint, step) in [(1, 100), (2, 190)] {
                try db.execute(sql: "INSERT INTO checkpoints (id, run_id, step, path, sha256) VALUES (?, 1, ?, ?, 'x')",
                               arguments: [checkpoint, step, "out/step-\(step)"])
                let results = try EvaluationRepository.items(taskId: task.id, in: db).map {
                    ItemResult(item: $0, logLikelihoods: $0.id <= Int64(checkpoint + 1) ? [-1, -2] : [-2, -1], exampleIds: [])
                }
                _ = try EvaluationRepository.recordRun(MultipleChoiceScores(results: results), task: task,
                                                       model: EvaluatedModel(path: "out/step-\(step)", checkpointId: Int64(checkpoint), tokenizer: "bytes"),
                                                       split: .test, shots: 1, seed: 0, in: db)
            }
        }
        return store
    }

    @Test func reportFiguresEqualTheScoresTableRounded() throws {
        let store = try populatedStore()
        let report = try store.read { db in try EvaluationReport.build(runIds: nil, databasePath: "report.db", in: db) }
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT run_id, metric, printf('%.4f', value) AS value, printf('%.4f', stderr) AS stderr FROM eval_scores")
        }
        #expect(rows.count == 15)
        for row in rows {
            #expect(report.markdown.contains(row["value"] as String), "\(row)")
        }
        // The models × tasks table shows acc / acc_norm of each model's run.
        let acc = try store.read { db in try String.fetchOne(db, sql: "SELECT printf('%.4f ± %.4f', value, stderr) FROM eval_scores WHERE run_id = 1 AND metric = 'acc'") }
        #expect(report.markdown.contains("| `runs/m0` with tokenizer `bytes` | \(try #require(acc))"))
        #expect(report.markdown.contains("capitals (0-shot)"))
        #expect(report.markdown.contains("held-out perplexity"))
    }

    @Test func plotsAreWellFormedSVGWithOneLinePerSeries() throws {
        let store = try populatedStore()
        let report = try store.read { db in try EvaluationReport.build(runIds: nil, databasePath: "report.db", in: db) }
        let names = report.plots.map(\.name)
        #expect(names.contains("scores-capitals-0-shot.svg"))
        #expect(names.contains("scores-held-out-perplexity.svg"))
        #expect(names.contains("loss-run-1.svg"))
        #expect(names.contains("scores-capitals-1-shot.svg"))
        for plot in report.plots {
            let parser = XMLParser(data: Data(plot.svg.utf8))
            #expect(parser.parse(), "\(plot.name) is not well-formed XML")
            #expect(plot.svg.hasPrefix("<svg"))
        }
        let scores = try #require(report.plots.first { $0.name == "scores-capitals-0-shot.svg" })
        #expect(scores.svg.components(separatedBy: "<polyline").count - 1 == 2)  // acc and acc_norm
        // Checkpoint runs are plotted against their training step, one line per training run.
        let byCheckpoint = try #require(report.plots.first { $0.name == "scores-capitals-1-shot.svg" })
        #expect(byCheckpoint.svg.contains("training step"))
        #expect(byCheckpoint.svg.contains("acc (training run 1)"))
        #expect(byCheckpoint.svg.contains(">190<") || byCheckpoint.svg.contains(">180<"))
        let loss = try #require(report.plots.first { $0.name == "loss-run-1.svg" })
        #expect(loss.svg.contains("<polyline"))
        let directory = temporaryPath("out")
        try report.write(to: directory)
        #expect(FileManager.default.fileExists(atPath: directory + "/report.md"))
        #expect(FileManager.default.fileExists(atPath: directory + "/scores-capitals-0-shot.svg"))
    }

    @Test func runSelectionLimitsTheReport() throws {
        let store = try populatedStore()
        let report = try store.read { db in try EvaluationReport.build(runIds: [2], databasePath: "report.db", in: db) }
        #expect(report.markdown.contains("(run 2)"))
        #expect(!report.markdown.contains("(run 1)"))
        #expect(!report.markdown.contains("held-out perplexity"))
    }

    @Test func niceTicksCoverTheRangeWithRoundSteps() {
        let unit = LineChart.niceTicks(min: 0, max: 1)
        #expect(unit.count == 6 && zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        let ticks = LineChart.niceTicks(min: 3.7, max: 8.2)
        #expect(ticks.first! <= 3.7 && ticks.last! >= 8.2 && ticks.count <= 7)
    }
}
