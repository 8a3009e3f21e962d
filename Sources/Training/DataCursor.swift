import Foundation
import Randomness

/// Where the trainer is in its data: the number of sequences consumed so far. Each pass
/// (epoch) visits every sequence once in an order drawn from SeededGenerator(seed: the
/// data-order seed, stream: epoch) — the run's seed unless its config sets another — so the
/// position alone determines what comes next, which is what makes a resume exact.
/// `generator` is the epoch's generator after the shuffle, saved in checkpoints as the RNG
/// state and checked on resume.
///
///     var cursor = DataCursor(sequenceCount: 100, seed: 7)
///     let index = cursor.next()   // a sequence index; the position advances by one
public struct DataCursor: Equatable, Sendable {
    public let sequenceCount: Int
    public let seed: UInt64
    public private(set) var position: Int
    public private(set) var epoch: Int
    public private(set) var generator: SeededGenerator
    private var order: [Int]

    public init(sequenceCount: Int, seed: UInt64, position: Int = 0) {
        self.sequenceCount = sequenceCount
        self.seed = seed
        self.position = position
        // The epoch of the last sequence handed out, as a cursor that got here by `next()` has it.
        epoch = sequenceCount > 0 && position > 0 ? (position - 1) / sequenceCount : 0
        (order, generator) = Self.shuffled(count: sequenceCount, seed: seed, epoch: epoch)
    }

    static func shuffled(count: Int, seed: UInt64, epoch: Int) -> ([Int], SeededGenerator) {
        var generator = SeededGenerator(seed: seed, stream: UInt64(epoch))
        let order = generator.shuffled(Array(0..<count))
        return (order, generator)
    }

    /// The next sequence index.
    public mutating func next() -> Int {
        let newEpoch = position / sequenceCount
        if newEpoch != epoch {
            epoch = newEpoch
            (order, generator) = Self.shuffled(count: sequenceCount, seed: seed, epoch: epoch)
        }
        let index = order[position % sequenceCount]
        position += 1
        return index
    }
}
