import ArgumentParser
import Evaluation
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
        let json = try progress.showing("eval perplexity") { onProgress in
            try EvaluationRuns.perplexity(store: store, limit: limit, progress: onProgress) { try subject.load(store: store) }
        }
        print(json)
    }
}
