import Evaluation
import Foundation
import GRDB
import JSONLines
import Model
import Synthesis

/// One arm's evaluation runs: the QA run of every pre-training run of the mixture (the first
/// with the demo's seed, the model the rest of the row is about), its perplexity, and QA after
/// instruction tuning.
struct DemoResultRow {
    var arm: DemoArm
    var seedRuns: [(seed: UInt64, qaRun: Int64)]
    var perplexityRun: Int64
    var tunedRun: Int64?

    var qaRun: Int64 { seedRuns[0].qaRun }
}

/// The QA acc of every training seed of every arm, as stored, and each arm's mean.
struct DemoSeedScores {
    struct Score {
        var seed: UInt64
        var qaRun: Int64
        var accuracy: Double
    }

    let arms: [DemoArm]
    let scores: [[Score]]

    static func reading(rows: [DemoResultRow], in db: Database) throws -> DemoSeedScores {
        let scores = try rows.map { row in
            try row.seedRuns.map { run in
                Score(seed: run.seed, qaRun: run.qaRun, accuracy: try EvaluationRepository.metric("acc", runId: run.qaRun, in: db).value)
            }
        }
        return DemoSeedScores(arms: rows.map(\.arm), scores: scores)
    }

    func mean(_ index: Int) -> Double {
        scores[index].map(\.accuracy).reduce(0, +) / Double(max(scores[index].count, 1))
    }

    /// A table of acc by training seed, and Instruct − Vanilla per seed and on the mean.
    var markdown: String {
        let seeds = scores.first?.map(\.seed) ?? []
        var lines = ["QA acc by training seed (each mixture pre-trained from the same snapshot; the seed sets initialisation and data order)", "",
                     "| mixture | " + seeds.map { "seed \($0)" }.joined(separator: " | ") + " | mean |",
                     "|---|" + String(repeating: "---:|", count: seeds.count + 1)]
        for (index, arm) in arms.enumerated() {
            lines.append("| \(arm.label) | " + scores[index].map { String(format: "%.4f", $0.accuracy) }.joined(separator: " | ")
                         + String(format: " | %.4f |", mean(index)))
        }
        if let vanilla = arms.firstIndex(of: .vanilla), let instruct = arms.firstIndex(of: .instruct) {
            let gaps = zip(scores[instruct], scores[vanilla]).map { String(format: "%+.1f", 100 * ($0.accuracy - $1.accuracy)) }
            lines += ["", "Instruct PT − Vanilla PT, points: " + gaps.joined(separator: ", ")
                      + String(format: "; on the means %+.1f", 100 * (mean(instruct) - mean(vanilla)))]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func write(to path: String) throws {
        try AtomicFile.write(Array(markdown.utf8), to: path)
    }
}

/// The reading check of the synthesizer that writes the pairs: the share of the fresh texts' facts
/// it answered, the evaluation run that stored it, and how many times the curriculum had started
/// again from fresh weights before the run that trained it (0: the first).
struct DemoReadingCheck {
    var accuracy: Double
    var run: Int64
    var restarts: Int
}

/// `DIR/results.json`: the comparison's figures and the synthesizer's precision against the
/// world's truth. `qa_acc` is exactly the stored `eval_scores` of `qa_eval_run_id` when the
/// mixture was pre-trained once; with several training seeds it is pooled over the runs in
/// `qa_eval_run_ids` (`EvaluationRepository.pooledAccuracy`: their mean acc, stderr over the
/// items), and `training_seeds` lists each run's stored acc.
struct DemoResults {
    let seed: UInt64
    let seconds: Double
    let rows: [DemoResultRow]
    let figures: [ComparisonReport.Figures]
    let seedScores: DemoSeedScores
    let synthesizer: PairCheckSummary
    let reading: DemoReadingCheck

    func json() -> [UInt8] {
        var out = JSONWriter()
        out.object { o in
            o.member("seed") { $0.integer(Int64(bitPattern: seed)) }
            o.member("seconds") { $0.double(seconds.rounded()) }
            o.member("rows") { json in
                json.array { a in
                    for (index, (row, figure)) in zip(rows, figures).enumerated() {
                        a.element { json in
                            json.object { r in
                                r.member("mixture") { $0.string(row.arm.rawValue) }
                                r.member("qa_acc") { $0.double(figure.accuracy.value) }
                                r.member("qa_acc_stderr") { $0.double(orNull: figure.accuracy.stderr) }
                                r.member("qa_eval_run_id") { $0.integer(row.qaRun) }
                                r.member("qa_eval_run_ids") { json in
                                    json.array { a in for run in row.seedRuns { a.element { $0.integer(run.qaRun) } } }
                                }
                                r.member("tuned_qa_acc") { $0.double(orNull: figure.tunedAccuracy?.value) }
                                r.member("tuned_qa_acc_stderr") { $0.double(orNull: figure.tunedAccuracy?.stderr) }
                                r.member("tuned_eval_run_id") { json in
                                    if let run = row.tunedRun { json.integer(run) } else { json.null() }
                                }
                                r.member("perplexity") { $0.double(orNull: figure.perplexity) }
                                r.member("perplexity_eval_run_id") { $0.integer(row.perplexityRun) }
                                r.member("training_seeds") { json in
                                    json.array { a in
                                        for score in seedScores.scores[index] {
                                            a.element { json in
                                                json.object { t in
                                                    t.member("seed") { $0.integer(Int64(bitPattern: score.seed)) }
                                                    t.member("qa_acc") { $0.double(score.accuracy) }
                                                    t.member("qa_eval_run_id") { $0.integer(score.qaRun) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            o.member("synthesizer") { json in
                json.object { s in
                    s.member("pairs") { $0.integer(synthesizer.pairs) }
                    s.member("checked") { $0.integer(synthesizer.checked) }
                    s.member("right") { $0.integer(synthesizer.right) }
                    s.member("precision") { $0.double(orNull: synthesizer.precision) }
                    s.member("reading_acc") { $0.double(reading.accuracy) }
                    s.member("reading_eval_run_id") { $0.integer(reading.run) }
                    s.member("reading_restarts") { $0.integer(Int64(reading.restarts)) }
                }
            }
        }
        return out.bytes + [UInt8(ascii: "\n")]
    }

    func write(to path: String) throws {
        try AtomicFile.write(json(), to: path)
    }
}
