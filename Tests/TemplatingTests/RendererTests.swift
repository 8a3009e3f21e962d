import Foundation
import Randomness
import Synthesis
import Testing
@testable import Templating

@Suite struct RendererTests {
    let catalog: TemplateCatalog

    init() throws {
        catalog = try TemplateCatalog.embedded()
    }

    @Test func sameSeedSameTextAndChoicesRebuildIt() throws {
        let chain = syntheticChain(firstId: 3, entries: 2, pairs: 5, withUnusable: true)
        let first = try TemplifyRenderer.templify(chain, catalog: catalog, seed: 11)
        let second = try TemplifyRenderer.templify(chain, catalog: catalog, seed: 11)
        #expect(first == second)
        let rebuilt = try TemplifyRenderer.render(chain, choices: first.choices, catalog: catalog)
        #expect(rebuilt.text == first.text)
        #expect(rebuilt.templateIds == first.templateIds)
    }

    /// Every raw text, question, option, chain of thought and answer is in the text whatever the
    /// seed: verbatim, or the answer as its option's name.
    @Test func differentSeedsChangeFormatsNeverContent() throws {
        let chain = syntheticChain(firstId: 5, entries: 2, pairs: 5, withUnusable: true)
        var texts: Set<String> = []
        var modes: Set<ComprehensionMode> = []
        for seed in Int64(0)..<400 {
            let rendered = try TemplifyRenderer.templify(chain, catalog: catalog, seed: seed)
            texts.insert(rendered.text)
            modes.insert(rendered.choices.mode)
            try expectContent(of: chain, in: rendered)
        }
        #expect(texts.count > 390)
        #expect(modes == Set(ComprehensionMode.allCases))
    }

    func expectContent(of chain: TemplifyChain, in rendered: RenderedText) throws {
        let text = rendered.text
        for entry in chain.entries {
            #expect(text.contains(entry.text))
            for pair in entry.usablePairs {
                let analysis = pair.analysis
                #expect(text.contains(analysis.stem ?? "<missing>"), "stem of pair \(pair.id)")
                if let thought = analysis.chainOfThought { #expect(text.contains(thought)) }
                let answer = analysis.finalAnswer ?? "<missing>"
                guard let options = analysis.options else {
                    #expect(text.contains(answer), "answer of pair \(pair.id)")
                    continue
                }
                for option in options where !TemplifyRenderer.isNoneOfTheAbove(option) {
                    #expect(text.contains(option), "option \(option)")
                }
                let styleId = try #require(rendered.choices.templates[.optionStyle])
                let style = try #require(catalog.template(id: styleId))
                let naming = try #require(OptionNaming(rawValue: style.pattern("names").literalText))
                let order = try #require(rendered.choices.optionOrders[pair.id])
                #expect(order.sorted() == Array(options.indices))
                let original = try #require(options.firstIndex(of: answer))
                let position = try #require(order.firstIndex(of: original))
                if TemplifyRenderer.isNoneOfTheAbove(answer) {
                    #expect(position == options.count - 1)
                    let phrasingId = try #require(rendered.choices.templates[.noneOfTheAbove])
                    let phrasing = try #require(catalog.template(id: phrasingId)).pattern("text").literalText
                    #expect(text.contains(phrasing))
                } else {
                    #expect(text.contains(answer) || text.contains(naming.name(at: position)))
                }
            }
        }
        #expect(!text.contains("Broken"), "unusable pairs are left out")
    }

    @Test func entriesWithoutUsablePairsContributeTheirRawTextUnchanged() throws {
        let raw = "A text whose pairs were all unusable.\n  Kept exactly, spaces too.  "
        let unusable = TemplifyPair(id: 1, pair: QAPair(question: "Q\nLet's think step by step.", answer: "no cue"))
        #expect(unusable.kind == nil)
        let lonely = TemplifyChain(entries: [TemplifyEntry(requestId: 1, rawTextId: 1, text: raw, pairs: [unusable])])
        for seed in Int64(0)..<50 {
            #expect(try TemplifyRenderer.templify(lonely, catalog: catalog, seed: seed).text == raw)
        }
        // Inside a chain: the raw text sits between the chain separators, unchanged.
        let withPairs = syntheticChain(firstId: 9, entries: 1, pairs: 3).entries[0]
        let chain = TemplifyChain(entries: [withPairs, TemplifyEntry(requestId: 99, rawTextId: 5, text: raw, pairs: [])])
        let rendered = try TemplifyRenderer.templify(chain, catalog: catalog, seed: 3)
        let separatorId = try #require(rendered.choices.templates[.chainSeparator])
        let separator = try #require(catalog.template(id: separatorId)).pattern("text").literalText
        #expect(rendered.text.hasSuffix(separator + raw))
    }

    @Test func noneOfTheAboveStaysLastAndOtherOptionsAreShuffled() {
        var generator = SeededGenerator(seed: 1, stream: 1)
        var firsts: Set<Int> = []
        for _ in 0..<200 {
            let order = TemplifyRenderer.shuffledOrder(of: ["a", "b", "c", "None of the above."], using: &generator)
            #expect(order.last == 3)
            #expect(order.sorted() == [0, 1, 2, 3])
            firsts.insert(order[0])
        }
        #expect(firsts == [0, 1, 2])
        #expect(TemplifyRenderer.isNoneOfTheAbove(" None of these. "))
        #expect(!TemplifyRenderer.isNoneOfTheAbove("none"))
    }

    /// Each mode's share over 10,000 chains is within 4 standard deviations of its weight.
    @Test func modeSharesMatchTheirWeights() throws {
        for rich in [true, false] {
            var counts: [ComprehensionMode: Int] = [:]
            var inverted = 0
            var invertible = 0
            let n = 10_000
            for index in 0..<n {
                // Rich chains: two pairs per entry; poor chains: one entry has a single pair.
                let chain = syntheticChain(firstId: Int64(index + 1), entries: 2, pairs: rich ? 2 : 1)
                #expect(chain.everyEntryHasTwoUsablePairs == rich)
                let choices = TemplifyRenderer.choose(for: chain, catalog: catalog, seed: 2024)
                counts[choices.mode, default: 0] += 1
                if choices.mode.canInvert {
                    invertible += 1
                    if choices.inverted { inverted += 1 }
                }
            }
            let weights = ComprehensionMode.weights(richChain: rich)
            let total = weights.map(\.weight).reduce(0, +)
            for (mode, weight) in weights {
                let p = weight / total
                let sigma = (p * (1 - p) / Double(n)).squareRoot()
                let share = Double(counts[mode] ?? 0) / Double(n)
                #expect(abs(share - p) <= 4 * sigma, "\(mode) share \(share) vs \(p) (rich: \(rich))")
            }
            #expect(Set(counts.keys) == Set(weights.map(\.mode)))
            let p = ComprehensionMode.inversionProbability
            let sigma = (p * (1 - p) / Double(invertible)).squareRoot()
            #expect(abs(Double(inverted) / Double(invertible) - p) <= 4 * sigma)
        }
    }

    /// The layout of every mode, and inversion, on one chain with fixed choices.
    @Test func everyModeLaysOutTextAndPairs() throws {
        let chain = syntheticChain(firstId: 2, entries: 1, pairs: 3)
        let entry = chain.entries[0]
        var base = TemplifyRenderer.choose(for: chain, catalog: catalog, seed: 1)
        // Fix the literal families to templates whose text is easy to find.
        func pick(_ family: TemplateFamily, _ name: String) throws -> Int64 {
            try #require(catalog.templates(of: family).first { $0.name == name }).id
        }
        base.templates[.qaPlain] = try pick(.qaPlain, "q-a")
        base.templates[.textStart] = try pick(.textStart, "article")
        base.templates[.comprehensionStart] = try pick(.comprehensionStart, "questions-about")
        base.templates[.dialogSpeakers] = try pick(.dialogSpeakers, "user-assistant")
        base.templates[.numberedLayout] = try pick(.numberedLayout, "questions-then-answers")
        base.templates[.inlineFewShotLayout] = try pick(.inlineFewShotLayout, "examples-then-task")
        base.templates[.nextTurnDialogLayout] = try pick(.nextTurnDialogLayout, "read-this")
        base.templates[.invertedLayout] = try pick(.invertedLayout, "preview")
        let plainQuestion = try #require(entry.pairs[0].analysis.stem)
        var texts: [ComprehensionMode: String] = [:]
        for mode in ComprehensionMode.allCases {
            var choices = base
            choices.mode = mode
            choices.inverted = false
            let text = try TemplifyRenderer.render(chain, choices: choices, catalog: catalog).text
            texts[mode] = text
            #expect(text.hasPrefix(mode == .nextTurnDialog ? "User: Read this:\nArticle:\n" + entry.text : "Article:\n" + entry.text))
            if mode != .nextTurnDialog {
                #expect(text.contains("Questions about the text:\n\n"))
            }
            if mode.canInvert {
                choices.inverted = true
                let inverted = try TemplifyRenderer.render(chain, choices: choices, catalog: catalog).text
                #expect(inverted.hasPrefix("Preview questions:\n"))
                #expect(inverted.contains("\n\nPassage:\nArticle:\n" + entry.text))
                #expect(!inverted.contains("Questions about the text"))
            }
        }
        #expect(try #require(texts[.classic]).contains("Q: " + plainQuestion + "\nA: "))
        #expect(try #require(texts[.dialog]).contains("User: " + plainQuestion + "\nAssistant: "))
        #expect(try #require(texts[.numbered]).contains("Questions:\n1. " + plainQuestion))
        #expect(try #require(texts[.numbered]).contains("\n\nAnswers:\n1. "))
        #expect(try #require(texts[.inlineFewShot]).contains("Here are some examples:\n\nQ: " + plainQuestion))
        #expect(try #require(texts[.inlineFewShot]).contains("\n\nNow try this one:\n"))
        #expect(try #require(texts[.nextTurnDialog]).contains("Then answer: " + plainQuestion + "\nAssistant: "))
        #expect(Set(texts.values).count == ComprehensionMode.allCases.count)
    }

    @Test func optionOrdersRoundTripThroughJSON() {
        let choices = TemplifyChoices(mode: .classic, inverted: false, templates: [:], optionOrders: [9: [1, 0], 3: [2, 0, 1]])
        #expect(choices.optionOrdersJSON == #"[{"pair":3,"order":[2,0,1]},{"pair":9,"order":[1,0]}]"#)
        #expect(TemplifyChoices.optionOrders(fromJSON: choices.optionOrdersJSON) == choices.optionOrders)
    }
}
