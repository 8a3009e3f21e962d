import Foundation
import Randomness

/// Picks the next token from a row of logits: greedy (temperature 0) or softmax sampling at
/// a temperature, restricted to the smallest set of top tokens whose probability reaches top_p.
///
///     var rng = SeededGenerator(seed: 7, stream: 0)
///     let token = Sampler(temperature: 0.8, topP: 0.95).pick(from: logitsRow, using: &rng)
public struct Sampler: Sendable {
    public var temperature: Float
    public var topP: Float

    public init(temperature: Float = 0, topP: Float = 1) {
        self.temperature = temperature
        self.topP = topP
    }

    public func pick(from logits: UnsafeBufferPointer<Float>, using rng: inout SeededGenerator) -> Int32 {
        var best = 0
        for j in 1..<logits.count where logits[j] > logits[best] { best = j }
        guard temperature > 0 else { return Int32(best) }
        let maximum = logits[best]
        var probabilities = [Float](repeating: 0, count: logits.count)
        var total: Float = 0
        for j in 0..<logits.count {
            let p = exp((logits[j] - maximum) / temperature)
            probabilities[j] = p
            total += p
        }
        var candidates = Array(0..<logits.count)
        var mass = total
        if topP < 1 {
            // Ties broken by token id so the choice never depends on sort stability.
            candidates.sort { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
            var cumulative: Float = 0
            var keep = 0
            while keep < candidates.count {
                cumulative += probabilities[candidates[keep]]
                keep += 1
                if cumulative >= topP * total { break }
            }
            candidates.removeSubrange(keep...)
            mass = cumulative
        }
        var target = rng.nextUnitFloat() * mass
        for j in candidates {
            target -= probabilities[j]
            if target < 0 { return Int32(j) }
        }
        return Int32(candidates[candidates.count - 1])
    }
}
