import Evaluation
import Foundation
import JSONLines
import Model
import Synthesis

/// One arm's evaluation runs: before instruction tuning (QA and perplexity) and after.
struct DemoResultRow {
    var arm: DemoArm
    var qaRun: Int64
    var perplexityRun: Int64
    var tunedRun: Int64?
}

/// The synthesizer's last reading check: the share of the fresh texts' facts it answered, the
/// evaluation run that stored it, and how many passes of the last lesson it took beyond the curriculum.
struct DemoReadingCheck {
    var accuracy: Double
    var run: Int64
    var extraPasses: Int
}

/// `DIR/results.json`: the comparison's figures, exactly the stored `eval_scores` of the runs
/// it names, and the synthesizer's precision against the world's truth.
struct DemoResults {
    let seed: UInt64
    let seconds: Double
    let rows: [DemoResultRow]
    let figures: [ComparisonReport.Figures]
    let synthesizer: PairCheckSummary
    let reading: DemoReadingCheck

    func json() -> [UInt8] {
        var out = JSONWriter()
        out.object { o in
            o.member("seed") { $0.integer(Int64(bitPattern: seed)) }
            o.member("seconds") { $0.double(seconds.rounded()) }
            o.member("rows") { json in
                json.array { a in
                    for (row, figure) in zip(rows, figures) {
                        a.element { json in
                            json.object { r in
                                r.member("mixture") { $0.string(row.arm.rawValue) }
                                r.member("qa_acc") { $0.double(figure.accuracy.value) }
                                r.member("qa_acc_stderr") { $0.double(orNull: figure.accuracy.stderr) }
                                r.member("qa_eval_run_id") { $0.integer(row.qaRun) }
                                r.member("tuned_qa_acc") { $0.double(orNull: figure.tunedAccuracy?.value) }
                                r.member("tuned_qa_acc_stderr") { $0.double(orNull: figure.tunedAccuracy?.stderr) }
                                r.member("tuned_eval_run_id") { json in
                                    if let run = row.tunedRun { json.integer(run) } else { json.null() }
                                }
                                r.member("perplexity") { $0.double(orNull: figure.perplexity) }
                                r.member("perplexity_eval_run_id") { $0.integer(row.perplexityRun) }
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
                    s.member("reading_extra_passes") { $0.integer(Int64(reading.extraPasses)) }
                }
            }
        }
        return out.bytes + [UInt8(ascii: "\n")]
    }

    func write(to path: String) throws {
        try AtomicFile.write(json(), to: path)
    }
}
