import Randomness

/// A text with the downstream tasks it supports: the context-based task data an instruction
/// synthesizer is fine-tuned on (`{"context", "pairs"}` lines for `ipt ingest-instructions`).
///
///     let tasks = world.synthesizerTasks(count: 1000, maxFacts: 6, stream: 1)
///     tasks[0].context          // a description of a person no world person shares a name with
///     tasks[0].pairs[0]         // TaskPair(question: "Where does Ada Adler live?", answer: "Lisbon")
public struct ContextTask: Sendable, Equatable {
    /// The person the text describes.
    public var subject: Person
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

/// How often each form of task pair is drawn.
public enum TaskFormMix: Sendable, Equatable {
    /// True/false and yes/no checks one pair in five.
    case standard
    /// True/false and yes/no checks one pair in ten, the other tenth plain questions. The demo's
    /// two-layer synthesizer cannot learn to judge a claim (it answers checks at chance), so a
    /// check it writes is a coin toss, and a wrong one teaches the pre-trained model a false
    /// fact: its last lesson, whose forms it writes, has fewer of them.
    case fewChecks
}

/// The forms a task pair takes.
enum TaskForm: CaseIterable {
    case plain, options, chainOfThought, trueFalse, yesNo, fillInBlank, twoFacts

    func weight(in mix: TaskFormMix) -> Double {
        switch (self, mix) {
        case (.plain, .standard): return 0.40
        case (.plain, .fewChecks): return 0.50
        case (.options, _): return 0.15
        case (.chainOfThought, _): return 0.10
        case (.trueFalse, .standard), (.yesNo, .standard): return 0.10
        case (.trueFalse, .fewChecks), (.yesNo, .fewChecks): return 0.05
        case (.fillInBlank, _): return 0.10
        case (.twoFacts, _): return 0.05
        }
    }
}

extension DemoWorld {
    /// Most pairs per text (the paper's synthesizer writes about five).
    public static let pairsPerTask = 5

    /// One task per document of each person: up to `pairsPerTask` pairs, each about a different
    /// attribute, in seeded forms and wordings. Every answer is checked against the person's facts
    /// by construction, so the collection is exactly right.
    public func taskCollection(for people: some Sequence<Person>, rewrites: Int = 1) -> [ContextTask] {
        let documentsById = Dictionary(uniqueKeysWithValues: documents(rewrites: rewrites).map { ($0.id, $0) })
        var tasks: [ContextTask] = []
        for person in people {
            for rewrite in 0..<rewrites {
                guard let document = documentsById[DemoDocument.id(person: person.id, rewrite: rewrite)] else { continue }
                var rng = SeededGenerator(seed: seed &+ 0x7A5C, stream: UInt64(person.id) << 8 | UInt64(rewrite))
                tasks.append(ContextTask(subject: person, context: document.text, pairs: pairs(about: person, document: document.text, forms: .standard, rng: &rng)))
            }
        }
        return tasks
    }

    /// The synthesizer's tuning collection: `count` texts, each about a freshly drawn person who
    /// has between 1 and `maxFacts` of the attributes, named with a full name no person of the
    /// world has. Names recur across texts with other facts, so an answer can only be read from
    /// its own text: the synthesizer has to learn to read rather than to remember. Short texts
    /// (small `maxFacts`) are the easy start of its curriculum. `stream` keeps collections apart;
    /// `forms` sets how often each form of pair is drawn.
    public func synthesizerTasks(count: Int, maxFacts: Int, stream: UInt64, forms: TaskFormMix = .standard) -> [ContextTask] {
        let taken = Set(people.map(\.name))
        let names = Self.allNames.filter { !taken.contains($0) }
        guard !names.isEmpty else { return [] }
        let factLimit = min(max(1, maxFacts), Attribute.allCases.count)
        var rng = SeededGenerator(seed: seed &+ 0x5E17, stream: stream)
        var tasks: [ContextTask] = []
        for index in 0..<max(0, count) {
            var attributes = Attribute.allCases
            attributes.shuffle(using: &rng)
            let known = Set(attributes.prefix(1 + Int(rng.next() % UInt64(factLimit))))
            let facts = Attribute.allCases.filter(known.contains).map { Fact(attribute: $0, value: rng.pick($0.values)) }
            let subject = Person(id: index, name: rng.pick(names), facts: facts)
            let context = Self.describe(subject, rng: &rng)
            tasks.append(ContextTask(subject: subject, context: context, pairs: pairs(about: subject, document: context, forms: forms, rng: &rng)))
        }
        return tasks
    }

    /// Up to `pairsPerTask` pairs about the person's facts, each attribute asked once.
    private func pairs(about person: Person, document: String, forms: TaskFormMix, rng: inout SeededGenerator) -> [TaskPair] {
        var attributes = person.facts.map(\.attribute)
        attributes.shuffle(using: &rng)
        var pairs: [TaskPair] = []
        var index = 0
        while pairs.count < Self.pairsPerTask, index < attributes.count {
            let form = TaskForm.allCases[rng.pickIndex(weights: TaskForm.allCases.map { $0.weight(in: forms) })]
            if form == .twoFacts, index + 1 < attributes.count {
                pairs.append(twoFactsPair(person, attributes[index], attributes[index + 1], rng: &rng))
                index += 2
            } else {
                pairs.append(pair(person, attributes[index], form: form == .twoFacts ? .plain : form, document: document, rng: &rng))
                index += 1
            }
        }
        return pairs
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
