import Foundation

/// One training sequence: `tokens` (the model input) and, optionally, a per-position loss
/// weight for predicting token t+1 at position t (synthesizer fine-tuning puts the loss on
/// the pairs only). Without a mask every next token counts — plain pre-training.
///
///     let sequence = TrainingSequence(tokens: [0, 5, 6, 1])
public struct TrainingSequence: Equatable, Sendable {
    public var tokens: [Int32]
    public var lossMask: [Float]?

    public init(tokens: [Int32], lossMask: [Float]? = nil) {
        self.tokens = tokens
        self.lossMask = lossMask
    }
}

/// A fixed list of equal-length sequences the trainer cycles through (a snapshot's packed
/// sequences, or packed synthesizer examples).
///
///     let data = PackedSequences(sequences: packed, sequenceLength: 256)
///     let first = data.sequence(0)
public protocol TrainingData {
    var sequenceLength: Int { get }
    var sequenceCount: Int { get }
    func sequence(_ index: Int) -> TrainingSequence
    /// Identifies the data for resume checks (a snapshot's manifest hash).
    var identity: String { get }
}

/// Sequences held in memory.
///
///     let data = PackedSequences(sequences: [TrainingSequence(tokens: ids)], sequenceLength: ids.count, identity: "x")
public struct PackedSequences: TrainingData, Sendable {
    public let sequences: [TrainingSequence]
    public let sequenceLength: Int
    public let identity: String

    public init(sequences: [TrainingSequence], sequenceLength: Int, identity: String) {
        self.sequences = sequences
        self.sequenceLength = sequenceLength
        self.identity = identity
    }

    /// Cuts a flat token stream (`count` = n × sequenceLength) into sequences.
    public init(flatTokens: [Int32], sequenceLength: Int, identity: String) {
        let count = flatTokens.count / sequenceLength
        sequences = (0..<count).map { TrainingSequence(tokens: Array(flatTokens[($0 * sequenceLength)..<(($0 + 1) * sequenceLength)])) }
        self.sequenceLength = sequenceLength
        self.identity = identity
    }

    public var sequenceCount: Int { sequences.count }
    public func sequence(_ index: Int) -> TrainingSequence { sequences[index] }
}
