import Foundation

/// The project's only source of randomness: a SplitMix64 stream derived from an explicit run
/// seed and a row id, so every random choice can be replayed from what the database records.
///
///     var rng = SeededGenerator(seed: 42, stream: rawTextId)
///     let pick = Int.random(in: 0..<10, using: &rng)
///     let p = rng.nextUnitDouble()
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    public private(set) var state: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        // Mix seed and stream so that nearby (seed, stream) pairs give unrelated sequences.
        var mixer = SeededGenerator(state: seed ^ 0x9E37_79B9_7F4A_7C15)
        let a = mixer.next()
        mixer = SeededGenerator(state: a ^ (stream &* 0xD1B5_4A32_D192_ED03))
        self.state = mixer.next()
    }

    public init(seed: Int, stream: Int = 0) {
        self.init(seed: UInt64(bitPattern: Int64(seed)), stream: UInt64(bitPattern: Int64(stream)))
    }

    private init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [0, 1) as a Float (24 bits).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextGaussian() -> Float {
        var u1 = nextUnitDouble()
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = nextUnitDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// An element chosen uniformly; the array must not be empty.
    public mutating func pick<T>(_ elements: [T]) -> T {
        elements[Int(next() % UInt64(elements.count))]
    }

    /// `elements` in an order drawn by Fisher–Yates from the last position down, with this
    /// generator's own bits: the standard library's `shuffled(using:)` may change its algorithm
    /// between releases, and every recorded order must replay.
    ///
    ///     var rng = SeededGenerator(seed: 7)
    ///     let order = rng.shuffled(Array(0..<5))
    public mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        if result.count > 1 {
            for i in stride(from: result.count - 1, to: 0, by: -1) {
                result.swapAt(i, Int(next() % UInt64(i + 1)))
            }
        }
        return result
    }

    /// An index chosen with probability proportional to `weights`.
    public mutating func pickIndex(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = nextUnitDouble() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }
}
