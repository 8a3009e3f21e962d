import GRDB

/// Which part of the corpus a raw text belongs to: `train` texts feed synthesis and training,
/// `heldout` texts are kept aside for perplexity and evaluation.
///
///     let split = Split(rawValue: "heldout")   // .heldout
///     try RawTextRepository.export(db, split: .train) { _ in }
public enum Split: String, Codable, CaseIterable, Sendable, DatabaseValueConvertible {
    case train
    case heldout
}
