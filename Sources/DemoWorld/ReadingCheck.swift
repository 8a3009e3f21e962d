import Randomness

/// A question about a text that states the answer: the check that a synthesizer reads its
/// text before it is trusted to write pairs about the corpus. Every value the attribute can take
/// is a choice, so chance is 1 in 16 and only reading the text scores well. The question comes
/// after the pairs about the text's other facts that precede it, as a synthesizer writes them:
/// on world seed 7 a synthesizer that answered 0.997 of questions asked first wrote wrong
/// answers for 4% of its first pairs, 9% of its second, 16% of its third and 22% of its fourth.
///
///     let items = world.readingItems(texts: 100, stream: 4)
///     items[0].text      // "Ada Adler settled in Lisbon years ago. …"
///     items[0].earlier   // [] for the first question about a text, then its answered pairs
///     items[0].question  // "What city is home to Ada Adler?"
///     items[0].choices[items[0].gold]  // "Lisbon"
public struct ReadingItem: Sendable, Equatable {
    public var text: String
    /// The pairs written before this question: the text's other facts, asked and rightly answered.
    public var earlier: [TaskPair]
    public var question: String
    public var choices: [String]
    public var gold: Int
}

extension DemoWorld {
    /// One item per fact of `texts` fresh task texts, drawn as the synthesizer's lessons are but
    /// from their own `stream`, so that no lesson holds them; each asked in a task wording, the
    /// facts of a text in a seeded order, each after the pairs of the facts before it.
    public func readingItems(texts: Int, stream: UInt64) -> [ReadingItem] {
        var rng = SeededGenerator(seed: seed &+ 0x4EAD, stream: stream)
        var items: [ReadingItem] = []
        for task in synthesizerTasks(count: texts, maxFacts: Attribute.allCases.count, stream: stream) {
            var facts = task.subject.facts
            facts.shuffle(using: &rng)
            var earlier: [TaskPair] = []
            for fact in facts {
                guard let gold = fact.attribute.values.firstIndex(of: fact.value) else { continue }
                let question = rng.pick(fact.attribute.taskQuestions).replacingOccurrences(of: "{name}", with: task.subject.name)
                items.append(ReadingItem(text: task.context, earlier: earlier, question: question, choices: fact.attribute.values, gold: gold))
                earlier.append(TaskPair(question: question, answer: fact.value))
            }
        }
        return items
    }
}
