import ArgumentParser
import Evaluation
import Store

/// Which model an evaluation scores, and with which tokenizer.
struct EvalModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model directory (config.json + safetensors, Hugging Face layout).", valueName: "dir"))
    var model: String?

    @Option(help: ArgumentHelp("A training checkpoint's id (checkpoints table); its directory is evaluated with its snapshot's tokenizer.", valueName: "id"))
    var checkpoint: Int64?

    @Option(help: ArgumentHelp("""
        Tokenizer: a tokenizer.json file (default: the model directory's, or for a checkpoint its \
        snapshot's); a name from `ipt tokenizer list` or `bytes` (the built-in byte tokenizer), \
        both with <s> before each text as snapshots pack them; or `raw-bytes` (token id = UTF-8 byte).
        """, valueName: "file|name|bytes|raw-bytes"))
    var tokenizer: String?

    func validate() throws {
        if (model == nil) == (checkpoint == nil) { throw ValidationError("give exactly one of --model DIR or --checkpoint ID") }
    }

    /// The evaluated model (a checkpoint is looked up in the database), loaded with its tokenizer.
    func load(store: Store) throws -> EvaluationSubject {
        try EvaluationSubject.load(store: store, directory: model, checkpoint: checkpoint, tokenizer: tokenizer)
    }
}
