import Foundation
import Randomness
import Synthesis
import SynthesizerText
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
        #expect(first.count == 1)
        let rebuilt = try TemplifyRenderer.render(chain, choices: first[0].choices, catalog: catalog)
        #expect(rebuilt == first)
    }

    /// Every raw text, question, option, chain of thought and answer is in the text whatever the
    /// seed: verbatim, or the answer as its option's name.
    @Test func differentSeedsChangeFormatsNeverContent() throws {
        let chain = syntheticChain(firstId: 5, entries: 2, pairs: 5, withUnusable: true)
        var texts: Set<String> = []
        var modes: Set<ComprehensionMode> = []
        for seed in Int64(0)..<400 {
            let rendered = try #require(try TemplifyRenderer.templify(chain, catalog: catalog, seed: seed).first)
            texts.insert(rendered.text)
            modes.insert(rendered.choices.mode)
            try expectContent(of: chain, in: rendered)
        }
        #expect(texts.count > 390)
        #expect(modes == Set(ComprehensionMode.allCases))
    }

    /// Every raw text and question stem is in the text; so is every answer (as written, or as
    /// its option's name), every option unless options are hidden, and every chain of thought
    /// unless inline few-shot leaves it out.
    func expectContent(of chain: TemplifyChain, in rendered: RenderedText) throws {
        let text = rendered.text
        let choices = rendered.choices
        for entry in chain.entries {
            #expect(text.contains(entry.text))
            for pair in entry.usablePairs {
                let analysis = pair.analysis
                #expect(text.contains(analysis.stem ?? "<missing>"), "stem of pair \(pair.id)")
                if let thought = analysis.chainOfThought, choices.mode != .inlineFewShot { #expect(text.contains(thought)) }
                let answer = analysis.finalAnswer ?? "<missing>"
                guard let options = analysis.options, choices.optionOrders[pair.id] != nil else {
                    #expect(text.contains(answer), "answer of pair \(pair.id)")
                    continue
                }
                for option in options where !TemplifyRenderer.isNoneOfTheAbove(option) {
                    #expect(text.contains(option), "option \(option)")
                }
                let styleId = try #require(choices.templates[.optionStyle])
                let style = try #require(catalog.template(id: styleId))
                let naming = try #require(OptionNaming(rawValue: style.pattern("names").literalText))
                let order = try #require(choices.optionOrders[pair.id])
                #expect(order.sorted() == Array(options.indices))
                let original = try #require(pair.answerOption)
                let position = try #require(order.firstIndex(of: original))
                if TemplifyRenderer.isNoneOfTheAbove(answer) {
                    #expect(position == options.count - 1)
                    let phrasingId = try #require(choices.templates[.noneOfTheAbove])
                    let phrasing = try #require(catalog.template(id: phrasingId)).pattern("text").literalText
                    #expect(text.contains(phrasing))
                } else {
                    #expect(text.contains(answer) || text.contains(naming.name(at: position)))
                }
            }
        }
        #expect(!text.contains("Broken"), "unusable pairs are left out")
    }

    /// Difference 6: an entry whose pairs are all unusable is a text of its own, its raw text
    /// unchanged, after the chain's formatted text; the formatted text does not hold it.
    @Test func entriesWithoutUsablePairsBecomeTextsOfTheirOwn() throws {
        let raw = "A text whose pairs were all unusable.\n  Kept exactly, spaces too.  "
        let unusable = TemplifyPair(id: 1, pair: QAPair(question: "Q\nLet's think step by step.", answer: "no cue"))
        #expect(unusable.kind == nil)
        let lonely = TemplifyChain(entries: [TemplifyEntry(requestId: 1, rawTextId: 1, text: raw, pairs: [unusable])])
        for seed in Int64(0)..<50 {
            let texts = try TemplifyRenderer.templify(lonely, catalog: catalog, seed: seed)
            #expect(texts.map(\.text) == [raw] && texts[0].isRawEntry && texts[0].storedMode == "raw")
        }
        // In the middle of a chain: the chain's text joins its other two entries; the pair-less
        // one follows as its own text.
        let chain = syntheticChain(firstId: 9, entries: 2, pairs: 3)
        let middle = TemplifyEntry(requestId: 99, rawTextId: 5, text: raw, pairs: [unusable])
        let withGap = TemplifyChain(entries: [chain.entries[0], middle, chain.entries[1]])
        for seed in Int64(0)..<50 {
            let texts = try TemplifyRenderer.templify(withGap, catalog: catalog, seed: seed)
            #expect(texts.count == 2)
            #expect(!texts[0].text.contains(raw) && !texts[0].isRawEntry)
            #expect(texts[0].requestIds == [chain.entries[0].requestId, chain.entries[1].requestId])
            #expect(texts[0].text.contains(chain.entries[0].text) && texts[0].text.contains(chain.entries[1].text))
            #expect(texts[1].text == raw && texts[1].requestIds == [99] && texts[1].rawTextIds == [5] && texts[1].templateIds.isEmpty)
        }
    }

    /// Difference 6: entries of a chain are joined by newlines only.
    @Test func chainSeparatorsAreNewlinesOnly() throws {
        let separators = catalog.templates(of: .chainSeparator).map { $0.pattern("text").literalText }
        #expect(!separators.isEmpty)
        for separator in separators {
            #expect(!separator.isEmpty && separator.allSatisfy { $0 == "\n" }, "separator \(separator.debugDescription)")
        }
        // And in rendered chains: what lies between the first entry's last pair and the second
        // entry's text (Classic, bare, no header) is one of them.
        let chain = syntheticChain(firstId: 4, entries: 2, pairs: 1)
        var choices = TemplifyRenderer.choose(for: chain, catalog: catalog, seed: 1)
        choices.mode = .classic
        choices.inverted = false
        choices.bareText = true
        choices.templates[.qaPlain] = try #require(catalog.templates(of: .qaPlain).first { $0.name == "q-a" }).id
        for separator in catalog.templates(of: .chainSeparator) {
            choices.templates[.chainSeparator] = separator.id
            let text = try #require(try TemplifyRenderer.render(chain, choices: choices, catalog: catalog).first).text
            let answer = try #require(chain.entries[0].pairs[0].analysis.finalAnswer)
            #expect(text.contains(answer + separator.pattern("text").literalText + chain.entries[1].text))
        }
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

    /// Each mode's share over 10,000 chains is within 4 standard deviations of its weight, and
    /// (difference 2) 5% of all chains are inverted, every one of them Classic.
    @Test func modeSharesMatchTheirWeightsAndOnlyClassicIsInverted() throws {
        for rich in [true, false] {
            var counts: [ComprehensionMode: Int] = [:]
            var inverted = 0
            let n = 10_000
            for index in 0..<n {
                // Rich chains: two pairs per entry; poor chains: one entry has a single pair.
                let chain = syntheticChain(firstId: Int64(index + 1), entries: 2, pairs: rich ? 2 : 1)
                #expect(chain.everyEntryHasTwoUsablePairs == rich)
                let choices = TemplifyRenderer.choose(for: chain, catalog: catalog, seed: 2024)
                counts[choices.mode, default: 0] += 1
                if choices.inverted {
                    inverted += 1
                    #expect(choices.mode == .classic)
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
            let sigma = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(Double(inverted) / Double(n) - p) <= 4 * sigma)
        }
        // The draw itself: the inversion lies inside Classic's share whatever the weights.
        for step in 0..<1000 {
            let u = Double(step) / 1000
            for rich in [true, false] {
                let (mode, inverted) = ComprehensionMode.draw(u, richChain: rich)
                #expect(inverted == (u < 0.05))
                if inverted { #expect(mode == .classic) }
            }
        }
    }

    /// The reference's rates, computed from its code (instruction_pretrain/utils/
    /// read_compre_pt.py): among Classic, not inverted texts, the share with nothing before the
    /// text and the share with no header before the pairs, for poor and rich chains (its draws
    /// share one Mersenne Twister stream, which moves both off one half); and the share of
    /// chains whose options patterns hide the options (24 of its 48).
    static let referenceRates: [Bool: (bareText: Double, noHeader: Double, both: Double)] = [
        false: (0.47222, 0.52778, 0.09142), true: (0.46666, 0.53334, 0.08626),
    ]
    static let referenceHiddenOptions = 24.0 / 48.0

    /// Difference 4 and 5, measured on rendered texts: over 10,000 seeded chains the bare-text
    /// and no-header rates (Classic, not inverted) and the hidden-options rate are within 4σ of
    /// the reference's, and each text shows what its choices say.
    @Test func bareTextNoHeaderAndHiddenOptionsRatesMatchTheReference() throws {
        for rich in [false, true] {
            var framed = 0, bare = 0, noHeader = 0, both = 0, withOptions = 0, hidden = 0
            let n = 10_000
            for index in 0..<n {
                // Pairs cycle plain, options, ...: two per entry make a rich chain.
                let chain = syntheticChain(firstId: Int64(index + 1), entries: rich ? 1 : 2, pairs: 2)
                let texts = try TemplifyRenderer.templify(rich ? chain : TemplifyChain(entries: [chain.entries[0],
                    TemplifyEntry(requestId: Int64(index + 1) * 1000, rawTextId: 1, text: "Second.", pairs: [chain.entries[1].pairs[0]])]),
                    catalog: catalog, seed: 77)
                let rendered = try #require(texts.first)
                let choices = rendered.choices
                let entryText = chain.entries[0].text
                if choices.mode == .classic && !choices.inverted {
                    framed += 1
                    if choices.bareText { bare += 1 }
                    if choices.noHeader { noHeader += 1 }
                    if choices.bareText && choices.noHeader { both += 1 }
                    #expect(rendered.text.hasPrefix(entryText) == choices.bareText)
                    let headerId = choices.templates[.comprehensionStart]
                    #expect((headerId == nil) == choices.noHeader)
                } else {
                    #expect(!choices.bareText && !choices.noHeader)
                }
                // The options pair (the second pair of the first entry) is shown with or without options.
                withOptions += 1
                let optionsPair = chain.entries[0].pairs[1]
                #expect(optionsPair.kind == .options)
                if choices.hiddenOptions {
                    hidden += 1
                    #expect(!rendered.text.contains("red t"), "options shown though hidden")
                    #expect(rendered.text.contains(optionsPair.analysis.finalAnswer ?? "<missing>"))
                    #expect(choices.optionOrders[optionsPair.id] == nil)
                } else {
                    #expect(rendered.text.contains("red t"))
                    #expect(choices.optionOrders[optionsPair.id] != nil)
                }
            }
            let reference = try #require(Self.referenceRates[rich])
            for (name, count, total, p) in [("bare text", bare, framed, reference.bareText), ("no header", noHeader, framed, reference.noHeader),
                                            ("bare and no header", both, framed, reference.both),
                                            ("hidden options", hidden, withOptions, Self.referenceHiddenOptions)] {
                let rate = Double(count) / Double(total)
                let sigma = (p * (1 - p) / Double(total)).squareRoot()
                print("rates (\(rich ? "rich" : "poor") chains): \(name) reference \(p), ours \(rate) over \(total), sigma \(sigma), off by \(abs(rate - p) / sigma) sigma")
                #expect(abs(rate - p) <= 4 * sigma, "\(name): \(rate) vs the reference's \(p) (rich: \(rich))")
            }
        }
    }

    /// Difference 1: a multiple-choice pair whose answer is none of its options (exactly, after
    /// stripping; case counts, as in the reference) is dropped; an answer saying none of them is
    /// right and not itself an option reads in the chosen "none of the above" phrasing.
    @Test func optionsAnswerMatchingNoOptionIsDropped() throws {
        let unmatched = TemplifyPair(id: 7, pair: QAPair(question: "Which colour zq?\nOptions:\n- red\n- green", answer: "purple"))
        let otherCase = TemplifyPair(id: 8, pair: QAPair(question: "Which shade zq?\nOptions:\n- red\n- green", answer: "Green"))
        let padded = TemplifyPair(id: 9, pair: QAPair(question: "Which tone?\nOptions:\n- red\n- green ", answer: " green"))
        let noneAnswer = TemplifyPair(id: 10, pair: QAPair(question: "Which hue?\nOptions:\n- red\n- green", answer: "None of these."))
        #expect(unmatched.kind == nil && otherCase.kind == nil)
        #expect(padded.kind == .options && padded.answerOption == 1)
        #expect(noneAnswer.kind == .options && noneAnswer.answerOption == nil && noneAnswer.answersNoneOfTheOptions)
        let plain = TemplifyPair(id: 11, pair: QAPair(question: "What is plain?", answer: "plain answer"))
        let chain = TemplifyChain(entries: [TemplifyEntry(requestId: 1, rawTextId: 1, text: "Colours.",
                                                          pairs: [unmatched, plain, otherCase, padded, noneAnswer])])
        var phrasings = 0
        for seed in Int64(0)..<300 {
            let texts = try TemplifyRenderer.templify(chain, catalog: catalog, seed: seed)
            #expect(texts.count == 1)
            let text = texts[0].text
            #expect(!text.contains("zq") && !text.contains("purple") && !text.contains("Green"))
            #expect(texts[0].pairIds == [11, 9, 10])
            if texts[0].choices.optionOrders[10] != nil, let phrasingId = texts[0].choices.templates[.noneOfTheAbove] {
                let phrasing = try #require(catalog.template(id: phrasingId)).pattern("text").literalText
                #expect(text.contains(phrasing))
                phrasings += 1
            }
        }
        #expect(phrasings > 50)
        // A chain whose only pairs are dropped becomes its raw text.
        let dropped = TemplifyChain(entries: [TemplifyEntry(requestId: 2, rawTextId: 2, text: "Only colours.", pairs: [unmatched])])
        #expect(try TemplifyRenderer.templify(dropped, catalog: catalog, seed: 1).map(\.text) == ["Only colours."])
    }

    /// Difference 3: inline few-shot formats pairs without their chain-of-thought pattern; when
    /// every pair has a chain of thought, each example's follows its answer as an explanation
    /// and the last pair's is not shown; otherwise none is shown.
    @Test func inlineFewShotPlacesChainOfThoughtAsTheReference() throws {
        func cotPair(_ id: Int64) -> TemplifyPair {
            TemplifyPair(id: id, pair: QAPair(question: "Why \(id)?\nLet's think step by step.",
                                              answer: "Because reason \(id) holds.\nTherefore, the answer is answer \(id)"))
        }
        let allCot = TemplifyChain(entries: [TemplifyEntry(requestId: 1, rawTextId: 1, text: "Text.", pairs: [cotPair(1), cotPair(2), cotPair(3)])])
        var choices = TemplifyRenderer.choose(for: allCot, catalog: catalog, seed: 5)
        choices.mode = .inlineFewShot
        choices.inverted = false
        for explanation in catalog.templates(of: .cotExplanation) {
            choices.templates[.cotExplanation] = explanation.id
            let rendered = try #require(try TemplifyRenderer.render(allCot, choices: choices, catalog: catalog).first)
            let text = rendered.text
            for id in [1, 2] {
                let shown = explanation.pattern("text").fill { _ in "Because reason \(id) holds" }
                #expect(text.contains("answer \(id)" + shown) || text.contains("answer \(id)" + shown), "example \(id)")
            }
            #expect(!text.contains("reason 3"), "the last pair shows no chain of thought")
            #expect(text.contains("Why 3?") && text.contains("answer 3"))
            #expect(!text.contains("step by step") && !text.contains("Therefore"))
            #expect(rendered.templateIds.contains(explanation.id))
        }
        // One pair without a chain of thought: no explanation anywhere.
        let mixed = TemplifyChain(entries: [TemplifyEntry(requestId: 1, rawTextId: 1, text: "Text.", pairs: [cotPair(1),
            TemplifyPair(id: 5, pair: QAPair(question: "What is plain?", answer: "plain")), cotPair(3)])])
        let rendered = try #require(try TemplifyRenderer.render(mixed, choices: choices, catalog: catalog).first)
        #expect(!rendered.text.contains("reason"))
        #expect(rendered.text.contains("answer 1") && rendered.text.contains("answer 3"))
        #expect(rendered.choices.templates[.cotExplanation] == nil)
    }

    /// The layout of every mode, and inversion, on one chain with fixed choices.
    @Test func everyModeLaysOutTextAndPairs() throws {
        let chain = syntheticChain(firstId: 2, entries: 1, pairs: 3)
        let entry = chain.entries[0]
        var base = TemplifyRenderer.choose(for: chain, catalog: catalog, seed: 1)
        base.bareText = false
        base.noHeader = false
        base.hiddenOptions = false
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
            let text = try #require(try TemplifyRenderer.render(chain, choices: choices, catalog: catalog).first).text
            texts[mode] = text
            #expect(text.hasPrefix(mode == .nextTurnDialog ? "User: Read this:\nArticle:\n" + entry.text : "Article:\n" + entry.text))
            if mode != .nextTurnDialog {
                #expect(text.contains("Questions about the text:\n\n"))
            }
            if mode == .classic {
                choices.inverted = true
                let inverted = try #require(try TemplifyRenderer.render(chain, choices: choices, catalog: catalog).first).text
                #expect(inverted.hasPrefix("Preview questions:\n"))
                #expect(inverted.hasSuffix("\n\nPassage:\n" + entry.text))
                #expect(!inverted.contains("Questions about the text"))
                // Not inverted, bare and without header: the text, the pair separator, the pairs.
                choices.inverted = false
                choices.bareText = true
                choices.noHeader = true
                let bare = try #require(try TemplifyRenderer.render(chain, choices: choices, catalog: catalog).first)
                let separatorId = try #require(bare.choices.templates[.pairSeparator])
                let separator = try #require(catalog.template(id: separatorId)).pattern("text").literalText
                #expect(bare.text.hasPrefix(entry.text + separator + "Q: " + plainQuestion))
                #expect(bare.choices.templates[.textStart] == nil && bare.choices.templates[.comprehensionStart] == nil)
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
