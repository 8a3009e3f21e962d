import Foundation

/// What can go wrong configuring, running, checkpointing or resuming training; each case names
/// the file or field involved and says what to do.
///
///     do { _ = try Checkpoint.load(directory: "runs/a/step-000100") }
///     catch let error as TrainingError { print(error.localizedDescription) }
public enum TrainingError: Error, LocalizedError, Equatable {
    case unknownConfig(name: String)
    case unreadable(path: String, reason: String)
    case malformedConfig(path: String, field: String, reason: String)
    case writeFailed(path: String, reason: String)
    case corruptCheckpoint(path: String, reason: String)
    case resumeMismatch(path: String, reason: String)
    case noData(reason: String)
    /// The data's tokenizer has ids the model has no embedding for.
    case vocabularyTooLarge(tokenizerIds: Int, modelVocabulary: Int)
    case model(String)
    /// A checkpoint write stopped on purpose after `stage` (fault injection in tests).
    case interrupted(stage: String)

    public var errorDescription: String? {
        switch self {
        case .unknownConfig(let name):
            return "unknown config \"\(name)\"; use tiny, small or the path of a JSON config file."
        case .unreadable(let path, let reason):
            return "\(path): cannot read (\(reason))."
        case .malformedConfig(let path, let field, let reason):
            return "\(path): field \"\(field)\": \(reason); fix the config and run again."
        case .writeFailed(let path, let reason):
            return "\(path): cannot write (\(reason)); check the directory and free space."
        case .corruptCheckpoint(let path, let reason):
            return "\(path): checkpoint does not verify (\(reason)); resume from an earlier checkpoint."
        case .resumeMismatch(let path, let reason):
            return "\(path): cannot resume this run from it (\(reason)); resume with the snapshot, config and seed it was written with."
        case .noData(let reason):
            return "no training data: \(reason)."
        case .vocabularyTooLarge(let tokenizerIds, let modelVocabulary):
            return "the data's tokenizer has \(tokenizerIds) ids but the model only \(modelVocabulary); use a config with a larger vocabSize."
        case .model(let message):
            return message
        case .interrupted(let stage):
            return "checkpoint write interrupted after stage \(stage)."
        }
    }
}
