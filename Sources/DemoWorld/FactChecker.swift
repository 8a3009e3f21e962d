/// Checks a synthesized question–answer pair against the demo world's ground truth.
///
/// The person is the one the question names (any full name of the world), or else the subject
/// of the text the pair was written for. A true/false or yes/no pair is judged by whether the
/// value it claims is the person's; any other pair by the attribute its question asks about
/// (keywords, or the kind of value its options list) and whether the answer names exactly the
/// person's value. Pairs that ask about no attribute, or no person the world knows, are `notAboutAttribute`.
///
///     let checker = FactChecker(world: world)
///     checker.check(question: "Where does Ada Adler live?", answer: "Lisbon", subject: nil).verdict   // .right
public struct FactChecker: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        case right, wrong
        case notAboutAttribute = "not_attribute"
    }

    public struct Result: Sendable, Equatable {
        public var verdict: Verdict
        /// The person and attributes the pair was judged on (none when not about an attribute).
        public var personId: Int?
        public var attributes: [Attribute]
        /// The person's true values of those attributes.
        public var expected: [String]
    }

    private let peopleByName: [String: Person]

    public init(world: DemoWorld) {
        peopleByName = Dictionary(world.people.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func check(question: String, answer: String, subject: Person?) -> Result {
        let notAbout = Result(verdict: .notAboutAttribute, personId: nil, attributes: [], expected: [])
        let (stem, options) = Self.splitOptions(question)
        guard let person = namedPerson(in: stem) ?? subject else { return notAbout }
        let finalAnswer = Self.finalAnswer(answer)

        // A true/false or yes/no pair about a claimed value. A "yes" to a question that claims
        // no value ("What is the job of Ada Adler?") is judged below, as an answer naming no value.
        let claims = Attribute.allCases.flatMap { attribute in
            attribute.values.filter { Self.mentions(stem, $0) }.map { (attribute, $0) }
        }
        if let judgement = Self.judgement(finalAnswer), !claims.isEmpty {
            guard claims.count == 1, let (attribute, claimed) = claims.first, let truth = person.value(of: attribute) else { return notAbout }
            let isRight = (claimed == truth) == judgement
            return Result(verdict: isRight ? .right : .wrong, personId: person.id, attributes: [attribute], expected: [truth])
        }

        let questionWords = Set(Self.words(of: stem)).subtracting(Self.words(of: person.name))
        var asked = Attribute.allCases.filter { !$0.questionKeywords.isDisjoint(with: questionWords) }
        if asked.isEmpty, !options.isEmpty {
            asked = Attribute.allCases.filter { attribute in options.allSatisfy { attribute.values.contains($0) } }
        }
        guard !asked.isEmpty, asked.count <= 2 else { return notAbout }
        let expected = asked.map { person.value(of: $0) ?? "" }
        let isRight = zip(asked, expected).allSatisfy { attribute, truth in
            attribute.values.filter { Self.mentions(finalAnswer, $0) } == [truth]
        }
        return Result(verdict: isRight ? .right : .wrong, personId: person.id, attributes: asked, expected: expected)
    }

    /// The longest full name of the world that the text mentions.
    private func namedPerson(in text: String) -> Person? {
        var best: Person?
        for (name, person) in peopleByName where Self.mentions(text, name) {
            if best == nil || name.count > best!.name.count || (name.count == best!.name.count && name < best!.name) { best = person }
        }
        return best
    }

    /// The question without its `\nOptions:\n- …` list or step-by-step cue, and the options.
    static func splitOptions(_ question: String) -> (stem: String, options: [String]) {
        var stem = question
        var options: [String] = []
        if let range = question.range(of: "\nOptions:\n") {
            stem = String(question[..<range.lowerBound])
            for line in question[range.upperBound...].split(separator: "\n") where line.hasPrefix("- ") {
                options.append(String(line.dropFirst(2)))
            }
        }
        if let cue = stem.range(of: "\nLet's think step by step.") { stem = String(stem[..<cue.lowerBound]) }
        return (stem, options)
    }

    /// The answer after a chain of thought's "Therefore, the answer is", if any.
    static func finalAnswer(_ answer: String) -> String {
        guard let marker = answer.range(of: "Therefore, the answer is", options: .backwards) else { return answer }
        return String(answer[marker.upperBound...])
    }

    /// true for an answer that starts with "true"/"yes", false for "false"/"no", nil otherwise.
    static func judgement(_ answer: String) -> Bool? {
        guard let first = words(of: answer).first else { return nil }
        switch first {
        case "true", "yes": return true
        case "false", "no": return false
        default: return nil
        }
    }

    static func words(of text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// Whether `text` contains `phrase` (case-insensitively) with no letter or digit on either side.
    static func mentions(_ text: String, _ phrase: String) -> Bool {
        let haystack = Array(text.lowercased()), needle = Array(phrase.lowercased())
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        func isWordCharacter(_ index: Int) -> Bool {
            index >= 0 && index < haystack.count && (haystack[index].isLetter || haystack[index].isNumber)
        }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle, !isWordCharacter(start - 1), !isWordCharacter(start + needle.count) {
                return true
            }
        }
        return false
    }
}
