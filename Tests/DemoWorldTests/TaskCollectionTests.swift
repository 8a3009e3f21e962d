import DemoWorld
import Testing

@Suite struct TaskCollectionTests {
    let world = DemoWorld(seed: 11, people: 60)

    @Test func everyPairIsRightAboutItsPersonByConstruction() {
        let checker = FactChecker(world: world)
        let tasks = world.taskCollection(for: world.people, rewrites: 2)
        #expect(tasks.count == 120)
        for task in tasks {
            let person = world.people[task.personId]
            #expect(task.context.contains(person.name))
            #expect(task.pairs.count >= DemoWorld.pairsPerTask - 1 && task.pairs.count <= DemoWorld.pairsPerTask)
            for pair in task.pairs {
                let result = checker.check(question: pair.question, answer: pair.answer, subject: nil)
                #expect(result.verdict == .right, "\(pair.question) → \(pair.answer)")
                #expect(result.personId == person.id)
            }
        }
    }

    @Test func theCollectionHasEveryFormInTheSynthesizersConventions() {
        let pairs = world.taskCollection(for: world.people, rewrites: 2).flatMap(\.pairs)
        let options = pairs.filter { $0.question.contains("\nOptions:\n- ") }
        let chains = pairs.filter { $0.question.hasSuffix("\nLet's think step by step.") }
        #expect(!options.isEmpty && options.allSatisfy { pair in pair.question.split(separator: "\n").filter { $0.hasPrefix("- ") }.count == 4 })
        #expect(!chains.isEmpty && chains.allSatisfy { $0.answer.contains("\nTherefore, the answer is ") })
        #expect(pairs.contains { $0.question.hasPrefix("True or false: ") && $0.answer == "False" })
        #expect(pairs.contains { $0.question.hasPrefix("True or false: ") && $0.answer == "True" })
        #expect(pairs.contains { $0.answer == "Yes" } && pairs.contains { $0.answer == "No" })
        #expect(pairs.contains { $0.question.hasPrefix("Fill in the blank: ") && $0.question.contains("____") })
        #expect(pairs.contains { $0.question.contains("? And ") && $0.answer.contains(" and ") })
        // Several wordings of the same attribute question.
        let cityWordings = Set(pairs.compactMap { pair in
            Attribute.city.taskQuestions.first { wording in
                let prefix = wording.components(separatedBy: "{name}")[0]
                return !prefix.isEmpty && pair.question.hasPrefix(prefix)
            }
        })
        #expect(cityWordings.count >= 3)
    }

    @Test func noEvaluationQuestionAppearsVerbatimInTheTasks() {
        let tasks = world.taskCollection(for: world.people, rewrites: 2)
        let text = tasks.map { task in ([task.context] + task.pairs.flatMap { [$0.question, $0.answer] }).joined(separator: "\n") }.joined(separator: "\n")
        for person in world.people {
            for attribute in Attribute.allCases {
                #expect(!text.contains(attribute.evaluationQuestion(about: person.name)))
            }
        }
    }

    @Test func theCollectionIsSeededAndRewritesDiffer() {
        let again = DemoWorld(seed: 11, people: 60)
        #expect(world.taskCollection(for: world.people.prefix(5)) == again.taskCollection(for: again.people.prefix(5)))
        let documents = world.documents(rewrites: 3)
        #expect(documents.count == 180)
        #expect(Set(documents.map(\.text)).count == 180)
        #expect(documents.filter { $0.personId == 0 }.map(\.id) == ["person-0", "person-0-r1", "person-0-r2"])
        // Rewrite 0 does not depend on how many rewrites there are.
        #expect(world.documents(rewrites: 1)[0] == documents[0])
    }
}
