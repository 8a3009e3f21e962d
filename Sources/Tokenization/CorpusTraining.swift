import Corpus
import Store

/// Trains a byte-level BPE tokenizer on the raw texts of the database (optionally one source
/// and/or split) and reports what it read, for the `tokenizers` row's provenance.
///
///     let (tokenizer, provenance) = try CorpusTraining.train(
///         store: store, source: "man-pages", split: .train, trainer: BPETrainer(vocabularySize: 8192))
///     try store.write { db in
///         try TokenizerRepository.insert(name: "man-8k", json: try tokenizer.jsonText(), origin: .trained,
///                                        training: provenance, in: db)
///     }
public enum CorpusTraining {
    public static func train(
        store: Store, source: String?, split: Split?, trainer: BPETrainer
    ) throws -> (Tokenizer, TokenizerRepository.Training) {
        guard trainer.vocabularySize >= trainer.minimumVocabularySize else {
            throw TokenizerError.vocabularyTooSmall(requested: trainer.vocabularySize, minimum: trainer.minimumVocabularySize)
        }
        var counts = WordCounts()
        var texts = 0
        var bytes = 0
        try store.read { db in
            try CorpusRepository.forEachRawText(source: source, split: split, in: db) { raw in
                counts.add(text: raw.text)
                texts += 1
                bytes += raw.byteCount
            }
        }
        guard texts > 0 else {
            let description = [source.map { "source \($0)" }, split.map { "split \($0.rawValue)" }]
                .compactMap { $0 }.joined(separator: ", ")
            throw TokenizerError.emptyCorpus(description: description.isEmpty ? "the database has none" : description)
        }
        let tokenizer = try trainer.train(counts)
        return (tokenizer, TokenizerRepository.Training(source: source, split: split?.rawValue, texts: texts, bytes: bytes))
    }
}
