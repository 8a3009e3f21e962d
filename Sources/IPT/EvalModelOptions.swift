import ArgumentParser
import Evaluation
import Foundation
import Mixing
import Model
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
    func load(store: Store) throws -> (subject: EvaluatedModel, model: DecoderModel, tokenizer: any ScoringTokenizer) {
        var directory = model ?? ""
        var snapshotTokenizer: (name: String, beginsWithBOS: Bool)?
        if let checkpoint {
            let found = try EvaluatedCheckpoint.resolve(id: checkpoint, store: store)
            directory = found.directory
            snapshotTokenizer = found.tokenizer.map { ($0, found.beginsWithBOS) }
        }
        let decoder = try DecoderModel.load(directory: directory)
        func subject(_ tokenizer: String) -> EvaluatedModel { EvaluatedModel(path: directory, checkpointId: checkpoint, tokenizer: tokenizer) }
        if tokenizer == "raw-bytes" { return (subject("raw-bytes"), decoder, RawByteTokenizer()) }
        if let name = tokenizer, !FileManager.default.fileExists(atPath: name) {
            snapshotTokenizer = (name, true)
        }
        // A checkpoint is read with its snapshot's tokenizer unless told otherwise.
        if let (name, beginsWithBOS) = snapshotTokenizer, tokenizer == nil || tokenizer == name {
            let stored = try store.read { db in try StoredTokenizer.load(name: name, in: db) }
            return (subject("snapshot:" + name), decoder, SnapshotScoringTokenizer(tokenizer: stored, beginsWithBOS: beginsWithBOS))
        }
        let path = tokenizer ?? directory + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no tokenizer at \(path); pass --tokenizer FILE (a Hugging Face tokenizer.json), a stored tokenizer's name, bytes or raw-bytes")
        }
        return (subject(path), decoder, try HFTokenizer.load(path: path))
    }
}
