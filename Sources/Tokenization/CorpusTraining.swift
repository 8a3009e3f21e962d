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
