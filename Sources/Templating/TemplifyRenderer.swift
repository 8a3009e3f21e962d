import Randomness
import Synthesis

/// Templify as two pure functions: `choose` draws every choice for a chain from
/// `SeededGenerator(seed: seed, stream: first request id)`; `render` turns the chain and those
/// choices into texts — the chain's formatted text, then the raw text of each entry without
/// usable pairs, as texts of their own (the reference's order). Rebuilding a stored text is
/// `render` with the stored choices.
///
///     let catalog = try TemplateCatalog.embedded()
///     let texts = try TemplifyRenderer.templify(chain, catalog: catalog, seed: 42)
///     texts[0].text          // raw texts with their pairs, formatted
///     texts[0].templateIds   // every template used, in order of first use
///     let again = try TemplifyRenderer.render(chain, choices: texts[0].choices, catalog: catalog)   // same texts
public enum TemplifyRenderer {
    /// Options that mean "none of the above" (compared ignoring case and a final "."): they stay
    /// last when options are shuffled and are written with the chosen phrasing.
    public static let noneOfTheAboveForms: Set<String> = [
        "none of the above", "none of these", "none of the options", "none of the choices",
        "none of the answers", "none of them", "none of the given options",
    ]

    public static func templify(_ chain: TemplifyChain, catalog: TemplateCatalog, seed: Int64) throws(TemplateError) -> [RenderedText] {
        try render(chain, choices: choose(for: chain, catalog: catalog, seed: seed), catalog: catalog)
    }

    /// Draws, in a fixed order: the mode and inversion (one draw), the Classic frame, whether
    /// options are hidden, one template of every family (in the families' declaration order),
    /// then the option order of every multiple-choice pair.
    public static func choose(for chain: TemplifyChain, catalog: TemplateCatalog, seed: Int64) -> TemplifyChoices {
        var generator = SeededGenerator(seed: Int(seed), stream: Int(chain.firstRequestId))
        let rich = chain.everyEntryHasTwoUsablePairs
        let (mode, inverted) = ComprehensionMode.draw(generator.nextUnitDouble(), richChain: rich)
        let frame = ClassicFrame.draw(generator.nextUnitDouble(), richChain: rich)
        let hiddenOptions = generator.nextUnitDouble() < TemplifyChoices.hiddenOptionsProbability
        var templates: [TemplateFamily: Int64] = [:]
        for family in TemplateFamily.allCases {
            let candidates = catalog.templates(of: family)
            guard !candidates.isEmpty else { continue }
            templates[family] = candidates[below(candidates.count, using: &generator)].id
        }
        var optionOrders: [Int64: [Int]] = [:]
        for entry in chain.entries {
            for pair in entry.usablePairs {
                guard let options = pair.analysis.options else { continue }
                optionOrders[pair.id] = shuffledOrder(of: options, using: &generator)
            }
        }
        // The frame only exists around a Classic text that is not inverted.
        let framed = mode == .classic && !inverted
        return TemplifyChoices(mode: mode, inverted: inverted, bareText: framed && frame.bareText, noHeader: framed && frame.noHeader,
                               hiddenOptions: hiddenOptions, templates: templates, optionOrders: optionOrders)
    }

    /// A uniform index in 0..<count from the generator's own bits (not the standard library's
    /// `random(in:)`, whose algorithm may change between Swift versions).
    static func below(_ count: Int, using generator: inout SeededGenerator) -> Int {
        Int(generator.next() % UInt64(count))
    }

    /// The options shuffled, except that "none of the above" options keep their place at the end.
    static func shuffledOrder(of options: [String], using generator: inout SeededGenerator) -> [Int] {
        let pinned = options.indices.filter { isNoneOfTheAbove(options[$0]) && $0 >= options.count - 1 }
        return generator.shuffled(options.indices.filter { !pinned.contains($0) }) + pinned
    }

    public static func isNoneOfTheAbove(_ option: String) -> Bool {
        var text = PythonString.strip(option).lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return noneOfTheAboveForms.contains(text)
    }

    /// The texts for a chain under `choices`: first its entries with usable pairs laid out by
    /// the mode and joined by the chain separator (if there are any), then each entry without
    /// usable pairs as its raw text, unchanged.
    public static func render(_ chain: TemplifyChain, choices: TemplifyChoices, catalog: TemplateCatalog) throws(TemplateError) -> [RenderedText] {
        var texts: [RenderedText] = []
        let formatted = chain.entries.filter { !$0.usablePairs.isEmpty }
        if !formatted.isEmpty {
            var rendering = Rendering(choices: choices, catalog: catalog)
            let separator = formatted.count > 1 ? try rendering.literal(.chainSeparator, "text") : ""
            var parts: [String] = []
            for entry in formatted { parts.append(try rendering.entry(entry)) }
            var used = choices
            used.templates = used.templates.filter { rendering.usedTemplateIds.contains($0.value) }
            used.optionOrders = used.optionOrders.filter { rendering.shownOptionPairIds.contains($0.key) }
            used.hiddenOptions = rendering.hidOptions
            texts.append(RenderedText(text: parts.joined(separator: separator), templateIds: rendering.usedTemplateIds,
                                      pairIds: rendering.pairIds, requestIds: formatted.map(\.requestId),
                                      rawTextIds: formatted.map(\.rawTextId), isRawEntry: false, choices: used))
        }
        for entry in chain.entries where entry.usablePairs.isEmpty {
            texts.append(RenderedText(text: entry.text, templateIds: [], pairIds: [], requestIds: [entry.requestId],
                                      rawTextIds: [entry.rawTextId], isRawEntry: true,
                                      choices: TemplifyChoices(mode: .classic, inverted: false, templates: [:], optionOrders: [:])))
        }
        return texts
    }
}

/// The state of one render: the choices, and which templates and pairs have been used so far.
struct Rendering {
    let choices: TemplifyChoices
    let catalog: TemplateCatalog
    private(set) var usedTemplateIds: [Int64] = []
    private(set) var pairIds: [Int64] = []
    /// Multiple-choice pairs whose options were shown (their orders are stored).
    private(set) var shownOptionPairIds: Set<Int64> = []
    /// Some multiple-choice pair was shown without its options.
    private(set) var hidOptions = false

    init(choices: TemplifyChoices, catalog: TemplateCatalog) {
        self.choices = choices
        self.catalog = catalog
    }

    /// The chosen template of a family, noted as used.
    mutating func use(_ family: TemplateFamily) throws(TemplateError) -> Template {
        guard let id = choices.templates[family] else { throw .emptyFamily(family: family.rawValue) }
        guard let template = catalog.template(id: id), template.family == family else { throw .unknownTemplateId(id) }
        if !usedTemplateIds.contains(id) { usedTemplateIds.append(id) }
        return template
    }

    mutating func literal(_ family: TemplateFamily, _ part: String) throws(TemplateError) -> String {
        try use(family).pattern(part).literalText
    }

    /// A pair formatted by a question–answer template: the bare question and answer (for modes
    /// that label turns themselves) and the labeled form.
    struct FormattedPair {
        var question: String
        var answer: String
        var labeled: String
    }

    /// Formats a pair as `kind` (inline few-shot formats chain-of-thought pairs as their kind
    /// without it). Multiple-choice questions show their options in the chosen style, with the
    /// answer as its option's name or text — or, when options are hidden, neither, and the
    /// answer as written.
    mutating func format(_ pair: TemplifyPair, as kind: PairKindName) throws(TemplateError) -> FormattedPair {
        pairIds.append(pair.id)
        let analysis = pair.analysis
        let stem = analysis.stem ?? ""
        var answer = analysis.finalAnswer ?? ""
        var optionsBlock = ""
        var family = TemplateFamily.qa(for: kind)
        if kind == .options && choices.hiddenOptions {
            family = .qaOptionsHidden
            hidOptions = true
        } else if let options = analysis.options {
            shownOptionPairIds.insert(pair.id)
            let style = try use(.optionStyle)
            let naming = OptionNaming(rawValue: style.pattern("names").literalText) ?? .upperLetters
            let order = choices.optionOrders[pair.id] ?? Array(options.indices)
            guard order.sorted() == Array(options.indices) else { throw .corruptRecord(augmentedTextId: 0, field: "option_orders of pair \(pair.id)") }
            var shown: [String] = []
            for original in order {
                let option = options[original]
                shown.append(TemplifyRenderer.isNoneOfTheAbove(option) ? try literal(.noneOfTheAbove, "text") : option)
            }
            let items = shown.enumerated().map { position, option in
                style.pattern("item").fill { $0 == "name" ? naming.name(at: position) : option }
            }
            optionsBlock = style.pattern("start").literalText + items.joined(separator: style.pattern("item_separator").literalText)
                + style.pattern("end").literalText
            // An answer that none of the options is right reads in the chosen phrasing; any
            // other answer is one of the options (usable pairs only), given by name and/or text.
            if pair.answersNoneOfTheOptions {
                answer = try literal(.noneOfTheAbove, "text")
            } else if let original = pair.answerOption, let position = order.firstIndex(of: original) {
                let optionText = shown[position]
                answer = style.pattern("answer").fill { $0 == "name" ? naming.name(at: position) : optionText }
            }
        }
        let template = try use(family)
        let values: (String) -> String = { name in
            switch name {
            case "question": return stem
            case "options": return optionsBlock
            case "cot": return analysis.chainOfThought ?? ""
            default: return answer
            }
        }
        let question = template.pattern("question").fill(values)
        let answerText = template.pattern("answer").fill(values)
        let labeled = template.pattern("question_label").literalText + question + template.pattern("joiner").literalText
            + template.pattern("answer_label").literalText + answerText
        return FormattedPair(question: question, answer: answerText, labeled: labeled)
    }

    /// One entry with usable pairs, laid out by the mode.
    mutating func entry(_ entry: TemplifyEntry) throws(TemplateError) -> String {
        let usable = entry.usablePairs.compactMap { pair in pair.kind.map { (pair, $0) } }
        switch choices.mode {
        case .classic: return try classic(entry.text, pairs: usable)
        case .inlineFewShot: return try inlineFewShot(entry.text, pairs: usable)
        case .nextTurnDialog: return try nextTurnDialog(passage: passage(entry.text), pairs: usable)
        case .dialog, .numbered: break
        }
        let passage = try passage(entry.text)
        let introduction = try literal(.comprehensionStart, "text")
        var formatted: [FormattedPair] = []
        for (pair, kind) in usable { formatted.append(try format(pair, as: kind)) }
        let block: String
        if choices.mode == .dialog {
            block = turns(formatted, speakers: try use(.dialogSpeakers))
        } else {
            let layout = try use(.numberedLayout)
            let questions = formatted.enumerated().map { index, pair in
                layout.pattern("question_item").fill { $0 == "n" ? String(index + 1) : pair.question }
            }
            let answers = formatted.enumerated().map { index, pair in
                layout.pattern("answer_item").fill { $0 == "n" ? String(index + 1) : pair.answer }
            }
            block = layout.pattern("header").literalText + questions.joined(separator: layout.pattern("question_separator").literalText)
                + layout.pattern("middle").literalText + answers.joined(separator: layout.pattern("answer_separator").literalText)
        }
        return passage + introduction + block
    }

    /// The raw text between the chosen text start and text end.
    mutating func passage(_ text: String) throws(TemplateError) -> String {
        try literal(.textStart, "text") + text + literal(.textEnd, "text")
    }

    /// The text, then its pairs. Inverted: the pairs, then the text (no frame around it). Not
    /// inverted: the text bare or after a text start; then either a text end and a header, or,
    /// with no header, only the pair separator before the first pair (as the reference leaves
    /// out its text end when it has no header, so no wide gap opens).
    mutating func classic(_ text: String, pairs: [(TemplifyPair, PairKindName)]) throws(TemplateError) -> String {
        var formatted: [String] = []
        for (pair, kind) in pairs { formatted.append(try format(pair, as: kind).labeled) }
        let block = formatted.joined(separator: formatted.count > 1 ? try literal(.pairSeparator, "text") : "")
        if choices.inverted {
            return try literal(.invertedLayout, "intro") + block + literal(.invertedLayout, "between") + text
        }
        let start = choices.bareText ? "" : try literal(.textStart, "text")
        if choices.noHeader {
            return start + text + (try literal(.pairSeparator, "text")) + block
        }
        return start + text + (try literal(.textEnd, "text")) + (try literal(.comprehensionStart, "text")) + block
    }

    /// All but the last pair as worked examples, then the last one. As in the reference, pairs
    /// are formatted without their chain of thought; when every pair has one, each example's
    /// follows its answer as an explanation (the last pair, the task, shows none).
    mutating func inlineFewShot(_ text: String, pairs: [(TemplifyPair, PairKindName)]) throws(TemplateError) -> String {
        let passage = try passage(text)
        let introduction = try literal(.comprehensionStart, "text")
        let layout = try use(.inlineFewShotLayout)
        let explained = pairs.allSatisfy { $0.0.analysis.chainOfThought != nil }
        var examples: [String] = []
        var last = ""
        for (index, (pair, kind)) in pairs.enumerated() {
            let withoutThought: PairKindName = kind == .cot ? .plain : kind == .optionsCot ? .options : kind
            let labeled = try format(pair, as: withoutThought).labeled
            guard index < pairs.count - 1 else {
                last = labeled
                break
            }
            var example = labeled
            if explained {
                let thought = pair.analysis.chainOfThought ?? ""
                example += try use(.cotExplanation).pattern("text").fill { _ in thought }
            }
            examples.append(layout.pattern("example").fill { $0 == "n" ? String(index + 1) : example })
        }
        return passage + introduction + layout.pattern("intro").literalText
            + examples.joined(separator: layout.pattern("example_separator").literalText)
            + layout.pattern("task_intro").literalText + last
    }

    func turns(_ pairs: [FormattedPair], speakers: Template) -> String {
        pairs.map { turn($0.question, $0.answer, speakers: speakers) }
            .joined(separator: speakers.pattern("turn_separator").literalText)
    }

    func turn(_ question: String, _ answer: String, speakers: Template) -> String {
        speakers.pattern("user").literalText + question + speakers.pattern("reply_separator").literalText
            + speakers.pattern("assistant").literalText + answer
    }

    /// The passage and first question open the conversation; later questions follow as turns.
    mutating func nextTurnDialog(passage: String, pairs: [(TemplifyPair, PairKindName)]) throws(TemplateError) -> String {
        let speakers = try use(.dialogSpeakers)
        let layout = try use(.nextTurnDialogLayout)
        var formatted: [FormattedPair] = []
        for (pair, kind) in pairs { formatted.append(try format(pair, as: kind)) }
        guard let first = formatted.first else { return passage }
        let opening = layout.pattern("first_turn").fill { $0 == "text" ? passage : first.question }
        var parts = [turn(opening, first.answer, speakers: speakers)]
        parts += formatted.dropFirst().map { turn($0.question, $0.answer, speakers: speakers) }
        return parts.joined(separator: speakers.pattern("turn_separator").literalText)
    }
}
