import Randomness

/// A text with the downstream tasks it supports: the context-based task data an instruction
/// synthesizer is fine-tuned on (`{"context", "pairs"}` lines for `ipt ingest-instructions`).
///
///     let tasks = world.taskCollection(for: world.people.prefix(100))
///     tasks[0].context          // a description of the person
///     tasks[0].pairs[0]         // TaskPair(question: "Where does Ada Adler live?", answer: "Lisbon")
public struct ContextTask: Sendable, Equatable {
    public var personId: Int
    public var context: String
    public var pairs: [TaskPair]
}

/// One question about a context and its answer, in the synthesizer's formats: plain,
/// multiple choice (`\nOptions:\n- a\n- b`), chain of thought (`\nLet's think step by step.`
/// and `… \nTherefore, the answer is X`), true/false, yes/no, fill in the blank, and two facts
/// in one question.
public struct TaskPair: Sendable, Equatable {
    public var question: String
    public var answer: String
}

/// The forms a task pair takes, with how often each is drawn.
enum TaskForm: CaseIterable {
    case plain, options, chainOfThought, trueFalse, yesNo, fillInBlank, twoFacts

    var weight: Double {
        switch self {
        case .plain: return 0.40
        case .options: return 0.15
        case .chainOfThought: return 0.10
        case .trueFalse: return 0.10
        case .yesNo: return 0.10
        case .fillInBlank: return 0.10
        case .twoFacts: return 0.05
        }
    }
}

extension DemoWorld {
    /// Pairs per text in the task collection (the paper's synthesizer writes about five).
    public static let pairsPerTask = 5

    /// One task per document of each person: `pairsPerTask` pairs, each about a different
    /// attribute, in seeded forms and wordings. Every answer is checked against the person's facts
    /// by construction, so the collection is exactly right.
    public func taskCollection(for people: some Sequence<Person>, rewrites: Int = 1) -> [ContextTask] {
        let documentsById = Dictionary(uniqueKeysWithValues: documents(rewrites: rewrites).map { ($0.id, $0) })
        var tasks: [ContextTask] = []
        for person in people {
            for rewrite in 0..<rewrites {
                guard let document = documentsById[DemoDocument.id(person: person.id, rewrite: rewrite)] else { continue }
                var rng = SeededGenerator(seed: seed &+ 0x7A5C, stream: UInt64(person.id) << 8 | UInt64(rewrite))
                var attributes = Attribute.allCases
                attributes.shuffle(using: &rng)
                var pairs: [TaskPair] = []
                var index = 0
                while pairs.count < Self.pairsPerTask, index < attributes.count {
                    let form = TaskForm.allCases[rng.pickIndex(weights: TaskForm.allCases.map(\.weight))]
                    if form == .twoFacts, index + 1 < attributes.count {
                        pairs.append(twoFactsPair(person, attributes[index], attributes[index + 1], rng: &rng))
                        index += 2
                    } else {
                        pairs.append(pair(person, attributes[index], form: form == .twoFacts ? .plain : form, document: document.text, rng: &rng))
                        index += 1
                    }
                }
                tasks.append(ContextTask(personId: person.id, context: document.text, pairs: pairs))
            }
        }
        return tasks
    }

    private func pair(_ person: Person, _ attribute: Attribute, form: TaskForm, document: String,
                      rng: inout SeededGenerator) -> TaskPair {
        let value = person.value(of: attribute) ?? ""
        let question = rng.pick(attribute.taskQuestions).replacingOccurrences(of: "{name}", with: person.name)
        switch form {
        case .plain, .twoFacts:
            return TaskPair(question: question, answer: value)
        case .options:
            var options = [value] + distractors(of: attribute, besides: value, count: 3, rng: &rng)
            options.shuffle(using: &rng)
            return TaskPair(question: question + "\nOptions:\n" + options.map { "- " + $0 }.joined(separator: "\n"), answer: value)
        case .chainOfThought:
            let evidence = sentence(of: document, containing: value, name: person.name) ?? attribute.statement(name: person.name, value: value)
            return TaskPair(question: question + "\nLet's think step by step.",
                            answer: "The text says: \"\(evidence)\"\nTherefore, the answer is \(value)")
        case .trueFalse:
            let claimsTruth = rng.nextUnitDouble() < 0.5
            let claimed = claimsTruth ? value : distractors(of: attribute, besides: value, count: 1, rng: &rng)[0]
            return TaskPair(question: "True or false: " + attribute.statement(name: person.name, value: claimed),
                            answer: claimsTruth ? "True" : "False")
        case .yesNo:
            let claimsTruth = rng.nextUnitDouble() < 0.5
            let claimed = claimsTruth ? value : distractors(of: attribute, besides: value, count: 1, rng: &rng)[0]
            return TaskPair(question: attribute.yesNoQuestion(name: person.name, value: claimed), answer: claimsTruth ? "Yes" : "No")
        case .fillInBlank:
            return TaskPair(question: "Fill in the blank: " + attribute.blankSentence(name: person.name), answer: value)
        }
    }

    private func twoFactsPair(_ person: Person, _ first: Attribute, _ second: Attribute, rng: inout SeededGenerator) -> TaskPair {
        let firstQuestion = rng.pick(first.taskQuestions).replacingOccurrences(of: "{name}", with: person.name)
        let secondQuestion = rng.pick(second.taskQuestions).replacingOccurrences(of: "{name}", with: person.name)
        return TaskPair(question: firstQuestion + " And " + lowercasingFirst(secondQuestion),
                        answer: "\(person.value(of: first) ?? "") and \(person.value(of: second) ?? "")")
    }

    private func distractors(of attribute: Attribute, besides value: String, count: Int, rng: inout SeededGenerator) -> [String] {
        var others = attribute.values.filter { $0 != value }
        others.shuffle(using: &rng)
        return Array(others.prefix(count))
    }

    /// The document's sentence that states `value` about the person, as chain-of-thought evidence.
    private func sentence(of document: String, containing value: String, name: String) -> String? {
        var sentences: [String] = []
        var current = ""
        for character in document {
            current.append(character)
            if character == "." { sentences.append(current.trimmingSpaces()); current = "" }
        }
        return sentences.first { $0.contains(value) && $0.contains(name) }
    }

    private func lowercasingFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = self[...]
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
