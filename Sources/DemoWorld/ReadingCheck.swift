import Randomness

/// A question about a text that states the answer: the check that a synthesizer reads its
/// text before it is trusted to write pairs about the corpus. Every value the attribute can take
/// is a choice, so chance is 1 in 16 and only reading the text scores well.
///
///     let items = world.readingItems(texts: 100, stream: 4)
///     items[0].text      // "Ada Adler settled in Lisbon years ago. …"
///     items[0].question  // "What city is home to Ada Adler?"
///     items[0].choices[items[0].gold]  // "Lisbon"
public struct ReadingItem: Sendable, Equatable {
    public var text: String
    public var question: String
    public var choices: [String]
    public var gold: Int
}

extension DemoWorld {
    /// One item per fact of `texts` fresh task texts, drawn as the synthesizer's lessons are but
    /// from their own `stream`, so that no lesson holds them; each asked in a task wording.
    public func readingItems(texts: Int, stream: UInt64) -> [ReadingItem] {
        var rng = SeededGenerator(seed: seed &+ 0x4EAD, stream: stream)
        var items: [ReadingItem] = []
        for task in synthesizerTasks(count: texts, maxFacts: Attribute.allCases.count, stream: stream) {
            for fact in task.subject.facts {
                guard let gold = fact.attribute.values.firstIndex(of: fact.value) else { continue }
                let question = rng.pick(fact.attribute.taskQuestions).replacingOccurrences(of: "{name}", with: task.subject.name)
                items.append(ReadingItem(text: task.context, question: question, choices: fact.attribute.values, gold: gold))
            }
        }
        return items
    }
}
