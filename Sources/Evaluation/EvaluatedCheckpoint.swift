import Foundation
import Store
import Training

/// A `checkpoints` row resolved for evaluation: its directory, verified file by file against its
/// SHA256SUMS and as a whole against the SHA-256 training recorded, so that a changed or
/// corrupted checkpoint is refused before anything is scored and stored under its id.
///
///     let found = try EvaluatedCheckpoint.resolve(id: 3, store: store)
///     let model = try DecoderModel.load(directory: found.directory)
///     print(found.tokenizer ?? "no snapshot tokenizer", found.sha256)
public struct EvaluatedCheckpoint: Sendable, Equatable {
    public var directory: String
    /// The tokenizer of the snapshot the run trained on (nil for synthesizer fine-tuning).
    public var tokenizer: String?
    public var beginsWithBOS: Bool
    public var sha256: String

    public static func resolve(id: Int64, store: Store) throws -> EvaluatedCheckpoint {
        let found = try store.read { db in try EvaluationRepository.checkpoint(id: id, in: db) }
        do {
            try Checkpoint.verify(directory: found.directory, expectedSHA256: found.sha256)
        } catch {
            throw EvaluationError.unknownCheckpoint(
                id: id, reason: "\(error.localizedDescription) It is not the checkpoint training recorded, so nothing was scored")
        }
        return EvaluatedCheckpoint(directory: found.directory, tokenizer: found.tokenizer, beginsWithBOS: found.beginsWithBOS, sha256: found.sha256)
    }
}
