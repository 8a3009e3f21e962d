@testable import DemoWorld
import Testing

@Suite struct FactCheckerTests {
    let world = DemoWorld(seed: 3, people: 40)
    var ada: Person { world.people[0] }
    var other: Person { world.people[1] }
    var checker: FactChecker { FactChecker(world: world) }

    func value(_ attribute: Attribute, of person: Person) -> String { person.value(of: attribute) ?? "" }
    func wrongValue(_ attribute: Attribute, of person: Person) -> String {
        attribute.values.first { $0 != value(attribute, of: person) } ?? ""
    }

    @Test func plainQuestionsAreRightOnlyWithTheTrueValue() {
        let city = value(.city, of: ada)
        let right = checker.check(question: "Where does \(ada.name) live?", answer: city, subject: nil)
        #expect(right == .init(verdict: .right, personId: ada.id, attributes: [.city], expected: [city]))
        #expect(checker.check(question: "Where does \(ada.name) live?", answer: "In \(city), I think.", subject: nil).verdict == .right)
        #expect(checker.check(question: "Where does \(ada.name) live?", answer: wrongValue(.city, of: ada), subject: nil).verdict == .wrong)
        // Hedging between two values is wrong, and so is an answer naming no value.
        #expect(checker.check(question: "Where does \(ada.name) live?", answer: "\(city) or \(wrongValue(.city, of: ada))", subject: nil).verdict == .wrong)
        #expect(checker.check(question: "Where does \(ada.name) live?", answer: "somewhere nice", subject: nil).verdict == .wrong)
    }

    @Test func thePersonIsTheOneNamedOrElseTheTextsSubject() {
        let year = value(.birthYear, of: other)
        #expect(checker.check(question: "When was \(other.name) born?", answer: year, subject: ada).verdict == .right)
        #expect(checker.check(question: "When was she born?", answer: value(.birthYear, of: ada), subject: ada).verdict == .right)
        #expect(checker.check(question: "When was she born?", answer: value(.birthYear, of: ada), subject: nil).verdict == .notAboutAttribute)
    }

    @Test func judgementsAreCheckedAgainstTheClaimedValue() {
        let pet = value(.pet, of: ada), notPet = wrongValue(.pet, of: ada)
        #expect(checker.check(question: "True or false: \(ada.name) keeps a \(pet).", answer: "True", subject: nil).verdict == .right)
        #expect(checker.check(question: "True or false: \(ada.name) keeps a \(notPet).", answer: "True", subject: nil).verdict == .wrong)
        #expect(checker.check(question: "Does \(ada.name) keep a \(notPet)?", answer: "No, a \(pet).", subject: nil).verdict == .right)
        #expect(checker.check(question: "Does \(ada.name) keep a \(pet)?", answer: "No", subject: nil).verdict == .wrong)
    }

    @Test func optionsChainsOfThoughtAndTwoFacts() {
        let color = value(.color, of: ada), instrument = value(.instrument, of: ada)
        let options = "Which one?\nOptions:\n- \(wrongValue(.color, of: ada))\n- \(color)"
        #expect(checker.check(question: "\(ada.name): " + options, answer: color, subject: nil).attributes == [.color])
        #expect(checker.check(question: "\(ada.name): " + options, answer: color, subject: nil).verdict == .right)
        let cot = "What instrument does \(ada.name) play?\nLet's think step by step."
        #expect(checker.check(question: cot, answer: "The text mentions a \(wrongValue(.instrument, of: ada)) once.\nTherefore, the answer is \(instrument)", subject: nil).verdict == .right)
        #expect(checker.check(question: cot, answer: "The text says \(instrument).\nTherefore, the answer is \(wrongValue(.instrument, of: ada))", subject: nil).verdict == .wrong)
        let both = "Where does \(ada.name) live? And what is the job of \(ada.name)?"
        #expect(checker.check(question: both, answer: "\(value(.city, of: ada)) and \(value(.profession, of: ada))", subject: nil).verdict == .right)
        #expect(checker.check(question: both, answer: "\(value(.city, of: ada)) and \(wrongValue(.profession, of: ada))", subject: nil).verdict == .wrong)
    }

    @Test func pairsAboutNoAttributeAreSetApart() throws {
        #expect(checker.check(question: "Summarize the text about \(ada.name).", answer: "A profile.", subject: nil).verdict == .notAboutAttribute)
        #expect(checker.check(question: "Who is Zed Nobody?", answer: "A stranger.", subject: nil).verdict == .notAboutAttribute)
        #expect(checker.check(question: "Is this text long?", answer: "No", subject: ada).verdict == .notAboutAttribute)
        // Keywords are whole words of the question, not of the name in it.
        let world = DemoWorld(seed: 11, people: 60)
        let petrov = try #require(world.people.first { $0.name.hasSuffix(" Petrov") })
        let result = FactChecker(world: world).check(question: "What is the job of \(petrov.name)?", answer: value(.profession, of: petrov), subject: nil)
        #expect(result.attributes == [.profession] && result.verdict == .right)
        // "Yes" to a question that claims nothing does not answer it.
        #expect(checker.check(question: "What is the job of \(ada.name)?", answer: "Yes", subject: nil).verdict == .wrong)
    }
}
