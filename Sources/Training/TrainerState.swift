import Foundation
import Randomness

/// The trainer's own state in a checkpoint (`trainer_state.json`): the step reached, the data
/// position and RNG state, and what the run was trained with, so a resume can check it
/// continues the same run.
///
///     let state = trainer.state
///     print(state.step, state.dataPosition)
public struct TrainerState: Codable, Equatable, Sendable {
    public var step: Int
    public var dataPosition: Int
    public var epoch: Int
    /// The data order generator of the current epoch, after its shuffle.
    public var rng: SeededGenerator
    public var seed: UInt64
    public var dataIdentity: String
    public var config: TrainConfig

    public init(step: Int, dataPosition: Int, epoch: Int, rng: SeededGenerator, seed: UInt64, dataIdentity: String, config: TrainConfig) {
        self.step = step
        self.dataPosition = dataPosition
        self.epoch = epoch
        self.rng = rng
        self.seed = seed
        self.dataIdentity = dataIdentity
        self.config = config
    }
}
