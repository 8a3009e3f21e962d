import Randomness

/// A multiple-choice question about one fact of the demo world, in the shape evaluation tasks
/// import (`{"context", "choices", "gold"}`): the context ends with "Answer:" and each choice is
/// scored as its continuation.
///
///     let items = world.evaluationItems(for: world.people.suffix(50), choices: 4)
///     items[0].context   // "Question: Which city does Ada Adler live in?\nAnswer:"
public struct EvaluationItem: Sendable, Equatable {
    public var personId: Int
    public var attribute: Attribute
    public var context: String
    public var choices: [String]
    public var gold: Int
}

extension DemoWorld {
    /// One question per attribute of each person, with `choices - 1` distractors drawn from the
    /// attribute's other values and the answer placed at a seeded position.
    public func evaluationItems(for people: some Sequence<Person>, choices: Int) -> [EvaluationItem] {
        var items: [EvaluationItem] = []
        for person in people {
            var rng = SeededGenerator(seed: seed &+ 0x5EED, stream: UInt64(person.id))
            for fact in person.facts {
                var distractors = fact.attribute.values.filter { $0 != fact.value }
                distractors.shuffle(using: &rng)
                var options = Array(distractors.prefix(choices - 1))
                let gold = Int(rng.next() % UInt64(options.count + 1))
                options.insert(fact.value, at: gold)
                items.append(EvaluationItem(
                    personId: person.id, attribute: fact.attribute,
                    context: "Question: \(fact.attribute.evaluationQuestion(about: person.name))\nAnswer:",
                    choices: options, gold: gold))
            }
        }
        return items
    }
}
