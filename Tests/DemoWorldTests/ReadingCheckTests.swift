import Foundation
import DemoWorld
import Testing

@Suite struct ReadingCheckTests {
    let world = DemoWorld(seed: 5, people: 40)

    @Test func eachItemAsksAboutAFactItsTextStatesAndOffersEveryValue() {
        let items = world.readingItems(texts: 30, stream: 4)
        let tasks = world.synthesizerTasks(count: 30, maxFacts: Attribute.allCases.count, stream: 4)
        #expect(items.count == tasks.map(\.subject.facts.count).reduce(0, +))
        for item in items {
            let task = tasks.first { $0.context == item.text }
            #expect(task != nil, "\(item.text) is not one of the stream's task texts")
            guard let task else { continue }
            let answer = item.choices[item.gold]
            let attribute = task.subject.facts.first { $0.value == answer }?.attribute
            #expect(attribute != nil && item.choices == attribute?.values, "\(item.question) → \(answer)")
            #expect(item.text.contains(answer) && item.question.contains(task.subject.name))
            // Asked in one of the task wordings of that attribute, never the evaluation's.
            #expect(attribute?.taskQuestions.contains { $0.replacingOccurrences(of: "{name}", with: task.subject.name) == item.question } == true)
        }
        #expect(Set(items.map(\.question)).count > items.count / 2)
    }

    /// Each question of a text comes after the pairs already written about it, as in a
    /// synthesizer's output: the first after none, the last after all the text's other facts.
    @Test func eachQuestionFollowsTheRightlyAnsweredPairsOfTheFactsBeforeIt() {
        let items = world.readingItems(texts: 30, stream: 4)
        let tasks = world.synthesizerTasks(count: 30, maxFacts: Attribute.allCases.count, stream: 4)
        var start = 0
        for task in tasks {
            let ofText = items[start..<(start + task.subject.facts.count)]
            start += task.subject.facts.count
            #expect(ofText.map(\.earlier.count) == Array(0..<task.subject.facts.count))
            for item in ofText {
                #expect(item.text == task.context)
                let answer = item.choices[item.gold]
                #expect(item.earlier.allSatisfy { pair in task.subject.facts.contains { $0.value == pair.answer } && pair.answer != answer })
                #expect(Set(item.earlier.map(\.answer)).count == item.earlier.count)
            }
            if let last = ofText.last {
                #expect(Set(last.earlier.map(\.answer) + [last.choices[last.gold]]) == Set(task.subject.facts.map(\.value)))
            }
        }
        #expect(items.contains { $0.earlier.count >= 3 })
    }

    @Test func theCheckSharesNoTextWithTheLessonsAndIsSeeded() {
        let items = world.readingItems(texts: 50, stream: 4)
        let lessonTexts = Set((1...3).flatMap { world.synthesizerTasks(count: 2000, maxFacts: 6, stream: $0).map(\.context) })
        // Only a short text can recur by chance (a name and one or two facts); a few do, in any stream.
        let shared = items.filter { lessonTexts.contains($0.text) }
        #expect(Double(shared.count) < 0.05 * Double(items.count), "\(shared.count) of \(items.count) items")
        #expect(shared.allSatisfy { item in item.text.filter { $0 == "." }.count <= 2 })
        #expect(world.readingItems(texts: 50, stream: 4) == items)
        #expect(DemoWorld(seed: 6, people: 40).readingItems(texts: 50, stream: 4) != items)
    }
}
