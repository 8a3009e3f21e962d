import ArgumentParser
import Evaluation
import JSONLines
import Model
import ProgressReporting
import Store

struct EvalPerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Perplexity on the corpus's held-out texts (per token, bits per byte, per word).",
        discussion: """
            Held-out texts are raw texts ingested with --split heldout. Each text follows the BOS \
            (else EOS) token and is scored in windows of max_position_embeddings tokens, as the \
            harness's loglikelihood_rolling does. Stores an eval_runs row (kind perplexity), its \
            eval_scores and per-text eval_text_results. Example: ipt eval perplexity --model models/tiny
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var subject: EvalModelOptions

    @Option(help: "Score only the first N held-out texts (by id).")
    var limit: Int?

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        let texts = try store.read { db in try EvaluationRepository.heldOutTexts(limit: limit, in: db) }
        if texts.isEmpty { throw EvaluationError.noHeldOutTexts }
        let reporter = progress.reporter("eval perplexity")
        defer { reporter.finish() }
        let (evaluated, model, tokenizer) = try subject.load(store: store)
        let scores = try PerplexityEvaluator(model: model, tokenizer: tokenizer).evaluate(texts: texts, progress: reporter.report)
        reporter.finish()
        let runId = try store.write { db in try EvaluationRepository.recordPerplexityRun(scores, model: evaluated, in: db) }
        var out = JSONWriter()
        out.object { o in
            o.member("run") { $0.integer(runId) }
            for metric in scores.metrics { o.member(metric.name) { $0.double(metric.value) } }
            o.member("texts") { $0.integer(scores.results.count) }
            o.member("tokens") { $0.integer(scores.results.reduce(0) { $0 + $1.tokenCount }) }
            o.member("bytes") { $0.integer(scores.results.reduce(0) { $0 + $1.byteCount }) }
        }
        print(String(decoding: out.bytes, as: UTF8.self))
    }
}
