import ArgumentParser
import Evaluation
import Foundation
import Model
import Store

/// Which model an evaluation scores, and with which tokenizer.
struct EvalModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model directory (config.json + safetensors, Hugging Face layout).", valueName: "dir"))
    var model: String?

    @Option(help: ArgumentHelp("A training checkpoint's id (checkpoints table); its directory is evaluated.", valueName: "id"))
    var checkpoint: Int64?

    @Option(help: ArgumentHelp("""
        Tokenizer: a tokenizer.json file (default: the model directory's), or `bytes` for a \
        byte-level model whose token ids are the UTF-8 bytes.
        """, valueName: "file|bytes"))
    var tokenizer: String?

    func validate() throws {
        if (model == nil) == (checkpoint == nil) { throw ValidationError("give exactly one of --model DIR or --checkpoint ID") }
    }

    /// The evaluated model (a checkpoint is looked up in the database), loaded with its tokenizer.
    func load(store: Store) throws -> (subject: EvaluatedModel, model: DecoderModel, tokenizer: any ScoringTokenizer) {
        var directory = model ?? ""
        if let checkpoint {
            directory = try store.read { db in try EvaluationRepository.checkpointDirectory(id: checkpoint, in: db) }
        }
        let decoder = try DecoderModel.load(directory: directory)
        if tokenizer == "bytes" {
            return (EvaluatedModel(path: directory, checkpointId: checkpoint, tokenizer: "bytes"), decoder, ByteTokenizer())
        }
        let path = tokenizer ?? directory + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no tokenizer at \(path); pass --tokenizer FILE (a Hugging Face tokenizer.json) or --tokenizer bytes")
        }
        return (EvaluatedModel(path: directory, checkpointId: checkpoint, tokenizer: path), decoder, try HFTokenizer.load(path: path))
    }
}
