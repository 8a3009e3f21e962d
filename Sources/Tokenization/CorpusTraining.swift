import Corpus
import ProgressReporting
import Store

/// Trains a byte-level BPE tokenizer on the raw texts of the database (optionally one source
/// and/or split) and reports what it read, for the `tokenizers` row's provenance. `progress`
/// hears of every text read (phase "reading", in bytes) and then of the merges learned.
///
///     let (tokenizer, provenance) = try CorpusTraining.train(
///         store: store, source: "man-pages", split: .train, trainer: BPETrainer(vocabularySize: 8192))
///     try store.write { db in
///         try TokenizerRepository.insert(name: "man-8k", json: try tokenizer.jsonText(), origin: .trained,
///                                        training: provenance, in: db)
///     }
public enum CorpusTraining {
    public static func train(
        store: Store, source: String?, split: Split?, trainer: BPETrainer, progress: ProgressHandler = { _ in }
    ) throws -> (Tokenizer, TokenizerRepository.Training) {
        guard trainer.vocabularySize >= trainer.minimumVocabularySize else {
            throw TokenizerError.vocabularyTooSmall(requested: trainer.vocabularySize, minimum: trainer.minimumVocabularySize)
        }
        var counts = WordCounts()
        var texts = 0
        var bytes = 0
        try store.read { db in
            let totalBytes = try CorpusRepository.rawTextTotals(source: source, split: split, in: db).bytes
            progress(StageProgress(phase: "reading", done: 0, total: totalBytes, unit: .bytes))
            try CorpusRepository.forEachRawText(source: source, split: split, in: db) { raw in
                counts.add(text: raw.text)
                texts += 1
                bytes += raw.byteCount
                progress(StageProgress(phase: "reading", done: bytes, total: totalBytes, unit: .bytes, detail: "\(texts) texts"))
            }
        }
        guard texts > 0 else {
            let description = [source.map { "source \($0)" }, split.map { "split \($0.rawValue)" }]
                .compactMap { $0 }.joined(separator: ", ")
            throw TokenizerError.emptyCorpus(description: description.isEmpty ? "the database has none" : description)
        }
        let tokenizer = try trainer.train(counts, progress: progress)
        return (tokenizer, TokenizerRepository.Training(source: source, split: split?.rawValue, texts: texts, bytes: bytes))
    }
}

extension CorpusTraining {
    /// `ipt tokenizer train`: refuses a name already taken or an unknown source before reading
    /// anything, trains, stores the tokenizer under `name` and returns its row and the tokenizer.
    ///
    ///     let (record, tokenizer, training) = try CorpusTraining.trainAndStore(
    ///         store: store, name: "man-8k", source: nil, split: nil, trainer: BPETrainer(vocabularySize: 8192))
    public static func trainAndStore(store: Store, name: String, source: String?, split: Split?, trainer: BPETrainer,
                                     progress: ProgressHandler = { _ in }) throws -> (TokenizerRecord, Tokenizer, TokenizerRepository.Training) {
        if try store.read({ db in try TokenizerRepository.tokenizer(named: name, in: db) }) != nil {
            throw TokenizerError.duplicateName(name)
        }
        if let source, try store.read({ db in try CorpusRepository.existingSource(named: source, in: db) }) == nil {
            throw CorpusError.unknownSource(source)
        }
        let (tokenizer, training) = try train(store: store, source: source, split: split, trainer: trainer, progress: progress)
        let json = try tokenizer.jsonText()
        let record = try store.write { db in try TokenizerRepository.insert(name: name, json: json, origin: .trained, training: training, in: db) }
        return (record, tokenizer, training)
    }
}
