import Randomness

/// Builds an item's prompt the way the harness does for a plain-text multiple-choice task:
/// K labelled examples, each `context + target_delimiter + gold choice + fewshot_delimiter`,
/// followed by the item's own context. With the `random` sampler the examples are a sample
/// without replacement from the train split, drawn from `SeededGenerator(seed:, stream: item.id)`
/// so every item's prompt depends only on the run's seed and its own id, never on evaluation
/// order; `firstN` takes the first K train items in file order (the harness's `first_n`).
///
///     let prompt = FewShotPrompt(pool: trainItems, shots: 2, seed: 1234)
///     let (context, examples) = prompt.context(for: item)
///     // "Q: a?\nA: x\n\nQ: b?\nA: y\n\nQ: c?\nA:"
public struct FewShotPrompt: Sendable {
    public static let targetDelimiter = " "
    public static let fewShotDelimiter = "\n\n"

    /// How the examples are chosen from the train items.
    public enum Sampler: String, Sendable, CaseIterable {
        case random
        case firstN = "first_n"
    }

    public let pool: [TaskItem]
    public let shots: Int
    public let seed: UInt64
    public let sampler: Sampler

    public init(pool: [TaskItem], shots: Int, seed: UInt64, sampler: Sampler = .random) {
        self.pool = pool
        self.shots = shots
        self.seed = seed
        self.sampler = sampler
    }

    /// The prompt context and the ids of the train items it shows, in prompt order.
    public func context(for item: TaskItem) -> (context: String, exampleIds: [Int64]) {
        guard shots > 0 else { return (item.context, []) }
        // The item itself never serves as its own example (it matters only when the pool and
        // the evaluated split are the same).
        let candidates = pool.filter { $0.id != item.id }
        var indices = Array(candidates.indices)
        let count = min(shots, indices.count)
        if sampler == .random {
            var rng = SeededGenerator(seed: seed, stream: UInt64(bitPattern: item.id))
            // Partial Fisher–Yates: the first `count` positions become a uniform sample, in draw order.
            for i in 0..<count {
                let j = i + Int(rng.next() % UInt64(indices.count - i))
                indices.swapAt(i, j)
            }
        }
        var text = ""
        var ids: [Int64] = []
        for index in indices.prefix(count) {
            let example = candidates[index]
            text += example.context + Self.targetDelimiter + example.choices[example.gold] + Self.fewShotDelimiter
            ids.append(example.id)
        }
        return (text + item.context, ids)
    }
}
