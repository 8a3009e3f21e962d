import Foundation
import Model
import Store
import Tokenization

/// The model an evaluation scores, loaded with the tokenizer its texts go through: a model
/// directory with its own tokenizer.json, or a training checkpoint (looked up and verified in
/// the database) read with its snapshot's tokenizer unless another one is named.
///
///     let loaded = try EvaluationSubject.load(store: store, checkpoint: 3)
///     let scores = try Evaluator(model: loaded.model, tokenizer: loaded.tokenizer).evaluate(items: items, split: .test)
///     print(loaded.subject.tokenizer)   // "snapshot:man8k"
public struct EvaluationSubject {
    /// How the scores are recorded: the model's path or checkpoint, and the tokenizer used.
    public var subject: EvaluatedModel
    public var model: DecoderModel
    public var tokenizer: any TextTokenizer

    /// `tokenizer`: a tokenizer.json file (default: the model directory's, or a checkpoint's
    /// snapshot tokenizer); a stored tokenizer's name or `bytes` (with `<s>` before each text,
    /// as snapshots pack them); or `raw-bytes` (token id = UTF-8 byte). Exactly one of
    /// `directory` and `checkpoint`.
    public static func load(store: Store, directory: String? = nil, checkpoint: Int64? = nil, tokenizer: String? = nil) throws -> EvaluationSubject {
        var directory = directory ?? ""
        var snapshotTokenizer: (name: String, beginsWithBOS: Bool)?
        if let checkpoint {
            let found = try EvaluatedCheckpoint.resolve(id: checkpoint, store: store)
            directory = found.directory
            snapshotTokenizer = found.tokenizer.map { ($0, found.beginsWithBOS) }
        }
        let model = try DecoderModel.load(directory: directory)
        func subject(_ tokenizer: String) -> EvaluatedModel { EvaluatedModel(path: directory, checkpointId: checkpoint, tokenizer: tokenizer) }
        if tokenizer == "raw-bytes" { return EvaluationSubject(subject: subject("raw-bytes"), model: model, tokenizer: ByteTokenizer.raw()) }
        if let name = tokenizer, !FileManager.default.fileExists(atPath: name) {
            snapshotTokenizer = (name, true)
        }
        // A checkpoint is read with its snapshot's tokenizer unless told otherwise.
        if let (name, beginsWithBOS) = snapshotTokenizer, tokenizer == nil || tokenizer == name {
            let stored = try store.read { db in try StoredTokenizer.load(name: name, in: db) }
            return EvaluationSubject(subject: subject("snapshot:" + name), model: model,
                                     tokenizer: SnapshotScoringTokenizer(tokenizer: stored, beginsWithBOS: beginsWithBOS))
        }
        let path = tokenizer ?? directory + "/tokenizer.json"
        guard FileManager.default.fileExists(atPath: path) else { throw EvaluationError.missingTokenizer(path: path) }
        return EvaluationSubject(subject: subject(path), model: model, tokenizer: try HFTokenizer.load(path: path))
    }
}
