import DemoWorld
import Testing

@Suite struct TaskCollectionTests {
    let world = DemoWorld(seed: 11, people: 60)

    @Test func everyPairIsRightAboutItsPersonByConstruction() {
        let checker = FactChecker(world: world)
        let tasks = world.taskCollection(for: world.people, rewrites: 2)
        #expect(tasks.count == 120)
        for task in tasks {
            let person = task.subject
            #expect(world.people[person.id] == person)
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

    @Test func synthesizerTasksAreAboutNamesTheWorldDoesNotUse() {
        let checker = FactChecker(world: world)
        let worldNames = Set(world.people.map(\.name))
        let tasks = world.synthesizerTasks(count: 400, maxFacts: 6, stream: 2)
        #expect(tasks.count == 400)
        var factCounts = Set<Int>()
        var valuesByName: [String: Set<String>] = [:]
        for task in tasks {
            #expect(!worldNames.contains(task.subject.name))
            #expect(task.context.contains(task.subject.name))
            factCounts.insert(task.subject.facts.count)
            for fact in task.subject.facts {
                #expect(task.context.contains(fact.value), "\(fact.value) is not in \(task.context)")
            }
            #expect(!task.pairs.isEmpty && task.pairs.count <= min(DemoWorld.pairsPerTask, task.subject.facts.count))
            for pair in task.pairs {
                // No world person is named, so the checker judges against the text's subject.
                let result = checker.check(question: pair.question, answer: pair.answer, subject: task.subject)
                #expect(result.verdict == .right, "\(pair.question) → \(pair.answer)")
            }
            valuesByName[task.subject.name, default: []].insert(task.subject.facts.map(\.value).joined(separator: ","))
        }
        #expect(factCounts == Set(1...6))
        // Names recur with other facts: nothing about a name can be remembered, only read.
        #expect(valuesByName.values.contains { $0.count > 1 })
        #expect(tasks == world.synthesizerTasks(count: 400, maxFacts: 6, stream: 2))
        #expect(tasks != world.synthesizerTasks(count: 400, maxFacts: 6, stream: 3))
    }

    @Test func theFewChecksMixHalvesTheChecksAndKeepsTheTexts() {
        func checkShare(_ tasks: [ContextTask]) -> Double {
            let pairs = tasks.flatMap(\.pairs)
            return Double(pairs.filter { ["True", "False", "Yes", "No"].contains($0.answer) }.count) / Double(pairs.count)
        }
        let standard = world.synthesizerTasks(count: 3000, maxFacts: 6, stream: 2)
        let fewChecks = world.synthesizerTasks(count: 3000, maxFacts: 6, stream: 2, forms: .fewChecks)
        // Checks are 20% and 10% of the drawn forms (two-fact questions count as one form drawn).
        #expect(abs(checkShare(standard) - 0.20) < 0.02)
        #expect(abs(checkShare(fewChecks) - 0.10) < 0.02)
        #expect(fewChecks.flatMap(\.pairs).contains { $0.question.hasPrefix("True or false: ") })
        #expect(fewChecks.flatMap(\.pairs).contains { $0.answer == "Yes" || $0.answer == "No" })
        // The mix draws the forms, not the people: the first text is the same in both.
        #expect(fewChecks[0].subject == standard[0].subject && fewChecks[0].context == standard[0].context)
    }

    @Test func shortSynthesizerTasksKeepToTheirFactLimit() {
        let tasks = world.synthesizerTasks(count: 200, maxFacts: 2, stream: 1)
        #expect(Set(tasks.map(\.subject.facts.count)) == [1, 2])
        #expect(tasks.allSatisfy { $0.pairs.count == $0.subject.facts.count || $0.pairs.count == 1 })
    }

    @Test func noEvaluationQuestionAppearsVerbatimInTheTasks() {
        let tasks = world.taskCollection(for: world.people, rewrites: 2)
        let text = tasks.map { task in ([task.context] + task.pairs.flatMap { [$0.question, $0.answer] }).joined(separator: "\n") }.joined(separator: "\n")
        for person in world.people {
            for attribute in Attribute.allCases {
                #expect(!text.contains(attribute.evaluationQuestion(about: person.name)))
            }
        }
        for task in world.synthesizerTasks(count: 200, maxFacts: 6, stream: 2) {
            let taskText = ([task.context] + task.pairs.flatMap { [$0.question, $0.answer] }).joined(separator: "\n")
            for attribute in Attribute.allCases {
                #expect(!taskText.contains(attribute.evaluationQuestion(about: task.subject.name)))
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
