import Randomness

/// A seeded synthetic world for the end-to-end demo: people with known attributes, each
/// described in varied prose. Because every fact is known, a model trained on the texts can be
/// asked about them afterwards, and the answers checked.
///
///     let world = DemoWorld(seed: 7, people: 200)
///     world.people[0].facts        // [Fact(attribute: .city, value: "Lisbon"), ...]
///     world.documents()[0].text    // a paragraph describing that person
public struct DemoWorld: Sendable {
    public let seed: UInt64
    public let people: [Person]

    public init(seed: UInt64, people count: Int) {
        self.seed = seed
        var rng = SeededGenerator(seed: seed, stream: 0)
        var used = Set<String>()
        var people: [Person] = []
        while people.count < count {
            let name = "\(rng.pick(Vocabulary.firstNames)) \(rng.pick(Vocabulary.lastNames))"
            guard used.insert(name).inserted else {
                if used.count >= Vocabulary.firstNames.count * Vocabulary.lastNames.count { break }
                continue
            }
            let facts = Attribute.allCases.map { attribute in
                Fact(attribute: attribute, value: rng.pick(attribute.values))
            }
            people.append(Person(id: people.count, name: name, facts: facts))
        }
        self.people = people
    }

    /// `rewrites` documents per person, each stating all of the person's facts with its own
    /// draw of phrasings and sentence order (the diverse rewrites that make facts extractable).
    /// Rewrite 0 of every person is the same whatever `rewrites` is.
    public func documents(rewrites: Int = 1) -> [DemoDocument] {
        people.flatMap { person in
            (0..<max(1, rewrites)).map { rewrite in
                var rng = SeededGenerator(seed: seed, stream: UInt64(rewrite) << 32 | (UInt64(person.id) + 1))
                return DemoDocument(id: DemoDocument.id(person: person.id, rewrite: rewrite), personId: person.id,
                                    text: Self.describe(person, rng: &rng))
            }
        }
    }

    /// One sentence per fact of the person, each in a drawn phrasing, in a drawn order.
    static func describe(_ person: Person, rng: inout SeededGenerator) -> String {
        var sentences = person.facts.map { fact in
            rng.pick(fact.attribute.phrasings)
                .replacingOccurrences(of: "{name}", with: person.name)
                .replacingOccurrences(of: "{value}", with: fact.value)
        }
        sentences.shuffle(using: &rng)
        return sentences.joined(separator: " ")
    }

    /// Every full name the world could give, in a fixed order.
    static var allNames: [String] {
        Vocabulary.firstNames.flatMap { first in Vocabulary.lastNames.map { "\(first) \($0)" } }
    }
}

/// One inhabitant of the demo world.
public struct Person: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var facts: [Fact]

    public func value(of attribute: Attribute) -> String? {
        facts.first { $0.attribute == attribute }?.value
    }
}

/// One attribute value of a person.
public struct Fact: Sendable, Equatable {
    public var attribute: Attribute
    public var value: String
}

/// A text describing one person.
public struct DemoDocument: Sendable, Equatable {
    public var id: String
    public var personId: Int
    public var text: String

    /// "person-12" for a person's first document, "person-12-r2" for its third rewrite.
    public static func id(person: Int, rewrite: Int) -> String {
        rewrite == 0 ? "person-\(person)" : "person-\(person)-r\(rewrite)"
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
