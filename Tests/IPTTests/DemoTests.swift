@testable import Demo
import Foundation
import GRDB
@testable import IPT
import Store
import Testing

/// The demo end to end at a size that runs in seconds: every stage's tables are filled, and
/// results.json holds exactly the stored scores of the runs it names.
@Suite struct DemoTests {
    static let microModel = #"{"base": "tiny", "vocabSize": 2048, "hiddenSize": 32, "intermediateSize": 64, "layerCount": 1, "headCount": 2, "kvHeadCount": 1, "batchSize": 2}"#

    @Test func aReducedDemoFillsEveryTableAndReportsTheStoredScores() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var recipe = DemoRecipe(pretrainPeople: 6, evalPeople: 4, heldoutPeople: 2, rewrites: 2,
                                lessons: [.oneFact(texts: 6, steps: 1, batch: 2), .twoFacts(texts: 8, steps: 2, batch: 2),
                                          .allFacts(texts: 6, steps: 2, batch: 2)],
                                pretrainSteps: 2, tuningSteps: 1, arms: DemoArm.allCases)
        recipe.modelConfigOverride = Self.microModel
        // A model this small cannot answer every reading question, so the curriculum starts once more.
        recipe.readingTexts = 3
        recipe.readingTarget = 1
        recipe.restarts = 1
        recipe.synthesizerConfig = Self.microModel
        recipe.trainingSeeds = 2
        try DemoRun(directory: directory, seed: 3, recipe: recipe, runCommand: DemoCommand.runInProcess).run()

        let queue = try DatabaseQueue(path: directory + "/demo.db")
        try queue.read { db in
            for table in ["sources", "raw_texts", "tokenizers", "instruction_sets", "instruction_examples", "synth_runs", "synth_requests",
                          "instruction_pairs", "instruction_pair_checks", "templates", "augmented_texts", "mixtures", "snapshots",
                          "snapshot_items", "training_runs", "checkpoints", "train_metrics", "eval_tasks", "eval_items", "eval_runs",
                          "eval_scores", "eval_results"] {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                #expect(count > 0, "\(table) is empty")
            }
            // Both synthesis runs (local model, miner), two pre-training runs per arm (training seeds 3 and 4) plus the
            // synthesizer's lessons, its extra pass and the tuned models.
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM synth_runs") == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM training_runs") == 2 * recipe.lessons.count + 3 * DemoArm.allCases.count)
            // Each lesson starts from the model the one before it left; short of the reading target, the
            // curriculum runs once more from fresh weights (the next seed), and the synthesizer that
            // reads best writes the pairs (the first on a tie).
            let lessonStarts = try String.fetchAll(db, sql: "SELECT json_extract(config_json, '$.modelName') FROM training_runs WHERE mode = 'synthesizer' ORDER BY id")
            #expect(lessonStarts == ["tiny", directory + "/models/synthesizer-tasks-one/step-000001", directory + "/models/synthesizer-tasks-short/step-000002",
                                     "tiny", directory + "/models/synthesizer-tasks-one-r1/step-000001", directory + "/models/synthesizer-tasks-short-r1/step-000002"])
            let curriculumSeeds = try Int.fetchAll(db, sql: "SELECT seed FROM training_runs WHERE mode = 'synthesizer' ORDER BY id")
            #expect(curriculumSeeds == [3, 3, 3, 4, 4, 4])
            // The lesson that forms reading weighs the answers 20; its run records that.
            let answerWeights = try Double?.fetchAll(db, sql: "SELECT json_extract(config_json, '$.answerLossWeight') FROM training_runs WHERE mode = 'synthesizer' ORDER BY id")
            #expect(answerWeights == [nil, 20, nil, nil, 20, nil])
            // The reading check scored both curricula's synthesizers.
            let readingRuns = try Int64.fetchAll(db, sql: "SELECT r.id FROM eval_runs r JOIN eval_tasks t ON t.id = r.task_id WHERE t.name = 'demo-reading' ORDER BY r.id")
            #expect(readingRuns.count == 2)
            let readingScores = try readingRuns.map { run in
                try #require(try Double.fetchOne(db, sql: "SELECT value FROM eval_scores WHERE run_id = ? AND metric = 'acc'", arguments: [run]))
            }
            let kept = readingScores[1] > readingScores[0] ? 1 : 0
            let writer = kept == 0 ? "/models/synthesizer-tasks/step-000002" : "/models/synthesizer-tasks-r1/step-000002"
            #expect(try String.fetchOne(db, sql: "SELECT backend_reference FROM synth_runs WHERE backend = 'model'") == directory + writer)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM instruction_pairs p LEFT JOIN instruction_pair_checks c ON c.pair_id = p.id WHERE c.pair_id IS NULL") == 0)
            // Each Instruct arm repeats the evaluation people's raw texts just enough to keep the share of
            // the budget they have in Vanilla: copies · (pre-training people's raw bytes) ≥ augmented bytes.
            let rawBytes = try #require(try Int.fetchOne(db, sql: "SELECT sum(byte_count) FROM raw_texts WHERE source_id = (SELECT id FROM sources WHERE name = 'people')"))
            let copies = try Row.fetchAll(db, sql: """
                SELECT e.repeat_count AS copies, (SELECT sum(length(CAST(text AS BLOB))) FROM augmented_texts WHERE run_id = a.run_id) AS augmented
                FROM mixture_components a JOIN mixture_components e ON e.mixture_id = a.mixture_id AND e.source = 'eval-people'
                WHERE a.kind = 'augmented'
                """)
            #expect(copies.count == 2)
            for row in copies {
                let count: Int = row["copies"], augmented: Int = row["augmented"]
                #expect(count * rawBytes >= augmented && (count - 1) * rawBytes < augmented, "\(count) copies for \(augmented) augmented bytes, \(rawBytes) raw")
            }

            let resultsData = try Data(contentsOf: URL(fileURLWithPath: directory + "/results.json"))
            let resultsText = String(decoding: resultsData, as: UTF8.self)
            let results = try #require(JSONSerialization.jsonObject(with: resultsData) as? [String: Any])
            #expect(results["seed"] as? Int == 3)
            let rows = try #require(results["rows"] as? [[String: Any]])
            #expect(rows.compactMap { $0["mixture"] as? String } == ["vanilla", "mix", "instruct", "instruct-miner"])
            for row in rows {
                for (valueKey, stderrKey, runKey) in [("tuned_qa_acc", "tuned_qa_acc_stderr", "tuned_eval_run_id")] {
                    let run = try #require(row[runKey] as? Int)
                    let stored = try #require(try Row.fetchOne(db, sql: "SELECT value, stderr FROM eval_scores WHERE run_id = ? AND metric = 'acc'", arguments: [run]))
                    // Exactly the stored figures, in their shortest round-trip spelling (Foundation's
                    // parser on Linux can land an ulp away, so the text is compared, not the parse).
                    let value: Double = stored["value"], stderr: Double = stored["stderr"]
                    #expect(resultsText.contains("\"\(valueKey)\":\(value)"), "\(valueKey) \(value) of run \(run)")
                    #expect(resultsText.contains("\"\(stderrKey)\":\(stderr)"), "\(stderrKey) \(stderr) of run \(run)")
                    #expect(abs((row[stderrKey] as? Double ?? -1) - stderr) <= 1e-15)
                }
            }
            // Every training seed's run, as stored; qa_acc pools them: each item scores the share of the runs
            // that answered it, so acc is the runs' mean and its stderr is over the items.
            for row in rows {
                let seedRuns = try #require(row["training_seeds"] as? [[String: Any]])
                #expect(seedRuns.compactMap { $0["seed"] as? Int } == [3, 4])
                let runIds = seedRuns.compactMap { $0["qa_eval_run_id"] as? Int }
                #expect(row["qa_eval_run_ids"] as? [Int] == runIds)
                #expect(runIds.first == row["qa_eval_run_id"] as? Int)
                var stored: [Double] = []
                for seedRun in seedRuns {
                    let run = try #require(seedRun["qa_eval_run_id"] as? Int)
                    let value = try #require(try Double.fetchOne(db, sql: "SELECT value FROM eval_scores WHERE run_id = ? AND metric = 'acc'", arguments: [run]))
                    #expect(abs((seedRun["qa_acc"] as? Double ?? -1) - value) <= 1e-15)
                    stored.append(value)
                }
                #expect(abs((row["qa_acc"] as? Double ?? -1) - stored.reduce(0, +) / 2) <= 1e-12)
                let itemScores = try Double.fetchAll(db, sql: "SELECT avg(correct) FROM eval_results WHERE run_id IN (?, ?) GROUP BY item_id",
                                                     arguments: [runIds[0], runIds[1]])
                let mean = itemScores.reduce(0, +) / Double(itemScores.count)
                let variance = itemScores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(itemScores.count - 1)
                #expect(abs((row["qa_acc_stderr"] as? Double ?? -1) - (variance / Double(itemScores.count)).squareRoot()) <= 1e-12)
            }
            let synthesizer = try #require(results["synthesizer"] as? [String: Any])
            let modelRun = try #require(try Int64.fetchOne(db, sql: "SELECT min(id) FROM synth_runs"))
            #expect(synthesizer["reading_eval_run_id"] as? Int == Int(readingRuns[kept]) && synthesizer["reading_restarts"] as? Int == kept)
            let readingScore = readingScores[kept]
            #expect(resultsText.contains("\"reading_acc\":\(readingScore)"))
            #expect(synthesizer["pairs"] as? Int == (try Int.fetchOne(db, sql: "SELECT count(*) FROM instruction_pairs p JOIN synth_requests q ON q.id = p.request_id WHERE q.run_id = ?", arguments: [modelRun])))
            // The verdicts query: per run, an "all" row with the run's figures, then rows per form that add up to it.
            let verdictRows = try Row.fetchAll(db, sql: try NamedQuery.named("synth_pair_checks").sql)
            let synthesisRuns = try Int64.fetchAll(db, sql: "SELECT id FROM synth_runs ORDER BY id")
            #expect(Set(verdictRows.map { $0["run"] as Int64 }) == Set(synthesisRuns))
            for run in synthesisRuns {
                let rows = verdictRows.filter { ($0["run"] as Int64) == run }
                let all = try #require(rows.first)
                #expect(all["form"] as String == "all")
                for column in ["pairs", "right", "wrong", "not_attribute"] {
                    #expect(rows.dropFirst().map { $0[column] as Int }.reduce(0, +) == all[column] as Int, "\(column) of run \(run)")
                }
                if run == modelRun {
                    #expect(all["pairs"] as Int == synthesizer["pairs"] as? Int)
                    #expect(all["precision"] as String? == (synthesizer["precision"] as? Double).map { String(format: "%.4f", $0) })
                }
            }
        }
        for name in ["report/report.md", "report/comparison.md", "report/training-seeds.md", "report/comparison.svg", "tasks-one.jsonl", "tasks-short.jsonl", "tasks.jsonl", "facts.jsonl", "reading.jsonl", "model.json", "synthesizer.json"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name) is missing")
        }
    }

    @Test func outOfRangeCountsAreRefusedBeforeAnythingIsWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-demo-flags-\(UUID().uuidString)").path
        for flags in [["--training-seeds", "0"], ["--training-seeds", "11"], ["--scale", "0"], ["--steps", "0"], ["--synthesizer-steps", "-1"]] {
            #expect(throws: (any Error).self, "\(flags)") { _ = try IPT.parseAsRoot(["demo", "--out", directory] + flags) }
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
        // One training run per mixture unless --training-seeds asks for more; the quick demo keeps
        // within its four minutes with half the full recipe's batch, and the written config says so.
        for (flags, runs, batch) in [([], 1, 32), (["--quick"], 1, 16), (["--training-seeds", "3"], 3, 32), (["--quick", "--training-seeds", "3"], 3, 16)] {
            let accepted = try #require(try IPT.parseAsRoot(["demo", "--out", directory] + flags) as? DemoCommand)
            #expect(accepted.recipe.trainingSeeds == runs, "\(flags)")
            let config = try #require(try JSONSerialization.jsonObject(with: Data(accepted.recipe.modelConfig.utf8)) as? [String: Any])
            #expect(config["batchSize"] as? Int == batch, "\(flags)")
        }
    }

    @Test func theDemoRefusesToDeleteADirectoryItDidNotMake() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-not-demo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: (any Error).self) { try DemoRun(directory: directory, seed: 1, recipe: .quick, runCommand: DemoCommand.runInProcess) }
        #expect(FileManager.default.fileExists(atPath: directory))
    }
}
