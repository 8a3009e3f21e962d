import Randomness
import Synthesis

/// Templify as two pure functions: `choose` draws every choice for a chain from
/// `SeededGenerator(seed: seed, stream: first request id)`; `render` turns the chain and those
/// choices into text. Rebuilding a stored text is `render` with the stored choices.
///
///     let catalog = try TemplateCatalog.embedded()
///     let rendered = try TemplifyRenderer.templify(chain, catalog: catalog, seed: 42)
///     rendered.text          // raw texts with their pairs, formatted
///     rendered.templateIds   // every template used, in order of first use
///     let again = try TemplifyRenderer.render(chain, choices: rendered.choices, catalog: catalog)   // same text
public enum TemplifyRenderer {
    /// Options that mean "none of the above" (compared ignoring case and a final "."): they stay
    /// last when options are shuffled and are written with the chosen phrasing.
    public static let noneOfTheAboveForms: Set<String> = [
        "none of the above", "none of these", "none of the options", "none of the choices",
        "none of the answers", "none of them", "none of the given options",
    ]

    public static func templify(_ chain: TemplifyChain, catalog: TemplateCatalog, seed: Int64) throws(TemplateError) -> RenderedText {
        try render(chain, choices: choose(for: chain, catalog: catalog, seed: seed), catalog: catalog)
    }

    /// Draws, in a fixed order: the mode, the inversion, one template of every family (in the
    /// families' declaration order), then the option order of every multiple-choice pair.
    public static func choose(for chain: TemplifyChain, catalog: TemplateCatalog, seed: Int64) -> TemplifyChoices {
        var generator = SeededGenerator(seed: Int(seed), stream: Int(chain.firstRequestId))
        let weights = ComprehensionMode.weights(richChain: chain.everyEntryHasTwoUsablePairs)
        let mode = weights[generator.pickIndex(weights: weights.map(\.weight))].mode
        let inverted = generator.nextUnitDouble() < ComprehensionMode.inversionProbability && mode.canInvert
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
        return TemplifyChoices(mode: mode, inverted: inverted, templates: templates, optionOrders: optionOrders)
    }

    /// A uniform index in 0..<count from the generator's own bits (not the standard library's
    /// `random(in:)`, whose algorithm may change between Swift versions).
    static func below(_ count: Int, using generator: inout SeededGenerator) -> Int {
        Int(generator.next() % UInt64(count))
    }

    /// Fisher–Yates over the options, except that "none of the above" options keep their place
    /// at the end.
    static func shuffledOrder(of options: [String], using generator: inout SeededGenerator) -> [Int] {
        let pinned = options.indices.filter { isNoneOfTheAbove(options[$0]) && $0 >= options.count - 1 }
        var order = options.indices.filter { !pinned.contains($0) }
        if order.count > 1 {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, below(index + 1, using: &generator))
            }
        }
        return order + pinned
    }

    public static func isNoneOfTheAbove(_ option: String) -> Bool {
        var text = PythonString.strip(option).lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return noneOfTheAboveForms.contains(text)
    }

    /// The text for a chain under `choices`: entries joined by the chain separator, each either
    /// its raw text unchanged (no usable pairs) or its text and pairs laid out by the mode.
    public static func render(_ chain: TemplifyChain, choices: TemplifyChoices, catalog: TemplateCatalog) throws(TemplateError) -> RenderedText {
        var rendering = Rendering(choices: choices, catalog: catalog)
        var text = ""
        for (index, entry) in chain.entries.enumerated() {
            if index > 0 { text += try rendering.literal(.chainSeparator, "text") }
            text += try rendering.entry(entry)
        }
        var used = choices
        used.templates = used.templates.filter { rendering.usedTemplateIds.contains($0.value) }
        used.optionOrders = used.optionOrders.filter { rendering.pairIds.contains($0.key) }
        return RenderedText(text: text, templateIds: rendering.usedTemplateIds, pairIds: rendering.pairIds, choices: used)
    }
}

/// The state of one render: the choices, and which templates and pairs have been used so far.
struct Rendering {
    let choices: TemplifyChoices
    let catalog: TemplateCatalog
    private(set) var usedTemplateIds: [Int64] = []
    private(set) var pairIds: [Int64] = []

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

    /// A pair formatted by its kind's question–answer template: the bare question and answer
    /// (for modes that label turns themselves) and the labeled form.
    struct FormattedPair {
        var question: String
        var answer: String
        var labeled: String
    }

    mutating func format(_ pair: TemplifyPair, kind: PairKindName) throws(TemplateError) -> FormattedPair {
        pairIds.append(pair.id)
        let analysis = pair.analysis
        let stem = analysis.stem ?? ""
        var answer = analysis.finalAnswer ?? ""
        var optionsBlock = ""
        if let options = analysis.options {
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
            // The answer is given as the option's name and/or text when it is one of the options.
            if let original = options.firstIndex(of: answer) ?? options.firstIndex(where: {
                PythonString.strip($0).lowercased() == PythonString.strip(answer).lowercased()
            }), let position = order.firstIndex(of: original) {
                let optionText = shown[position]
                answer = style.pattern("answer").fill { $0 == "name" ? naming.name(at: position) : optionText }
            }
        }
        let template = try use(TemplateFamily.qa(for: kind))
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

    mutating func entry(_ entry: TemplifyEntry) throws(TemplateError) -> String {
        let usable = entry.usablePairs
        guard !usable.isEmpty else { return entry.text }
        let passage = try literal(.textStart, "text") + entry.text + literal(.textEnd, "text")
        if choices.mode == .nextTurnDialog { return try nextTurnDialog(passage: passage, pairs: usable) }
        let introduction = choices.inverted ? try literal(.invertedLayout, "intro") : try literal(.comprehensionStart, "text")
        var formatted: [FormattedPair] = []
        for pair in usable {
            guard let kind = pair.kind else { continue }
            formatted.append(try format(pair, kind: kind))
        }
        let block: String
        switch choices.mode {
        case .classic:
            block = formatted.map(\.labeled).joined(separator: formatted.count > 1 ? try literal(.pairSeparator, "text") : "")
        case .dialog:
            let speakers = try use(.dialogSpeakers)
            block = turns(formatted, speakers: speakers)
        case .numbered:
            let layout = try use(.numberedLayout)
            let questions = formatted.enumerated().map { index, pair in
                layout.pattern("question_item").fill { $0 == "n" ? String(index + 1) : pair.question }
            }
            let answers = formatted.enumerated().map { index, pair in
                layout.pattern("answer_item").fill { $0 == "n" ? String(index + 1) : pair.answer }
            }
            block = layout.pattern("header").literalText + questions.joined(separator: layout.pattern("question_separator").literalText)
                + layout.pattern("middle").literalText + answers.joined(separator: layout.pattern("answer_separator").literalText)
        case .inlineFewShot:
            let layout = try use(.inlineFewShotLayout)
            let examples = formatted.dropLast().enumerated().map { index, pair in
                layout.pattern("example").fill { $0 == "n" ? String(index + 1) : pair.labeled }
            }
            block = layout.pattern("intro").literalText + examples.joined(separator: layout.pattern("example_separator").literalText)
                + layout.pattern("task_intro").literalText + (formatted.last?.labeled ?? "")
        case .nextTurnDialog:
            block = ""
        }
        if choices.inverted {
            return introduction + block + (try literal(.invertedLayout, "between")) + passage
        }
        return passage + introduction + block
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
    mutating func nextTurnDialog(passage: String, pairs: [TemplifyPair]) throws(TemplateError) -> String {
        let speakers = try use(.dialogSpeakers)
        let layout = try use(.nextTurnDialogLayout)
        var formatted: [FormattedPair] = []
        for pair in pairs {
            guard let kind = pair.kind else { continue }
            formatted.append(try format(pair, kind: kind))
        }
        guard let first = formatted.first else { return passage }
        let opening = layout.pattern("first_turn").fill { $0 == "text" ? passage : first.question }
        var parts = [turn(opening, first.answer, speakers: speakers)]
        parts += formatted.dropFirst().map { turn($0.question, $0.answer, speakers: speakers) }
        return parts.joined(separator: speakers.pattern("turn_separator").literalText)
    }
}
