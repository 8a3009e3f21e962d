import SynthesizerText
/// A family of templates: the slot a template fills in an augmented text, the parts its body
/// must have, and the placeholders each part may use. A catalog file naming a part or a
/// placeholder that is not listed here is rejected when the catalog is loaded.
///
///     let family = TemplateFamily.qaOptions
///     family.parts.map(\.name)                  // ["question_label", "question", "joiner", "answer_label", "answer"]
///     family.part(named: "question")?.placeholders  // ["question", "options"]
public enum TemplateFamily: String, Sendable, CaseIterable, Codable, Comparable {
    /// Question–answer patterns, one family per pair kind.
    case qaPlain = "qa_plain"
    case qaOptions = "qa_options"
    case qaCot = "qa_cot"
    case qaOptionsCot = "qa_options_cot"
    /// A multiple-choice question shown without its options, answered by the option's text.
    case qaOptionsHidden = "qa_options_hidden"
    /// How an inline few-shot example's chain of thought follows its answer.
    case cotExplanation = "cot_explanation"
    /// How the options of a multiple-choice question are listed and how its answer is given.
    case optionStyle = "option_style"
    /// How an option meaning "none of the above" is phrased.
    case noneOfTheAbove = "none_of_the_above"
    /// What comes before and after the raw text, and what introduces its questions.
    case textStart = "text_start"
    case textEnd = "text_end"
    case comprehensionStart = "comprehension_start"
    /// Between two formatted pairs of the same text (classic mode).
    case pairSeparator = "pair_separator"
    /// Between two entries of a chain: newlines only, as in the reference.
    case chainSeparator = "chain_separator"
    /// Who speaks in the dialog modes.
    case dialogSpeakers = "dialog_speakers"
    /// Mode layouts.
    case numberedLayout = "numbered_layout"
    case inlineFewShotLayout = "inline_few_shot_layout"
    case nextTurnDialogLayout = "next_turn_dialog_layout"
    case invertedLayout = "inverted_layout"

    /// One named string of a template's body and the placeholders it may hold.
    public struct Part: Sendable, Equatable {
        public var name: String
        public var placeholders: [String]
        /// Placeholders the part must hold (so no content is ever dropped).
        public var required: [String]
    }

    public var parts: [Part] {
        func qa(question: [String], answer: [String]) -> [Part] {
            [Part(name: "question_label", placeholders: [], required: []),
             Part(name: "question", placeholders: question, required: question),
             Part(name: "joiner", placeholders: [], required: []),
             Part(name: "answer_label", placeholders: [], required: []),
             Part(name: "answer", placeholders: answer, required: answer)]
        }
        func literal(_ names: String...) -> [Part] { names.map { Part(name: $0, placeholders: [], required: []) } }
        switch self {
        case .qaPlain: return qa(question: ["question"], answer: ["answer"])
        case .qaOptions: return qa(question: ["question", "options"], answer: ["answer"])
        case .qaCot: return qa(question: ["question"], answer: ["cot", "answer"])
        case .qaOptionsCot: return qa(question: ["question", "options"], answer: ["cot", "answer"])
        case .qaOptionsHidden: return qa(question: ["question"], answer: ["answer"])
        case .cotExplanation: return [Part(name: "text", placeholders: ["cot"], required: ["cot"])]
        case .optionStyle:
            return literal("start", "item_separator", "end")
                + [Part(name: "names", placeholders: [], required: []),
                   Part(name: "item", placeholders: ["name", "option"], required: ["option"]),
                   Part(name: "answer", placeholders: ["name", "option"], required: [])]
        case .noneOfTheAbove, .textStart, .textEnd, .comprehensionStart, .pairSeparator, .chainSeparator:
            return literal("text")
        case .dialogSpeakers: return literal("user", "assistant", "reply_separator", "turn_separator")
        case .numberedLayout:
            return literal("header", "question_separator", "middle", "answer_separator")
                + [Part(name: "question_item", placeholders: ["n", "question"], required: ["n", "question"]),
                   Part(name: "answer_item", placeholders: ["n", "answer"], required: ["n", "answer"])]
        case .inlineFewShotLayout:
            return literal("intro", "example_separator", "task_intro")
                + [Part(name: "example", placeholders: ["n", "pair"], required: ["pair"])]
        case .nextTurnDialogLayout:
            return [Part(name: "first_turn", placeholders: ["text", "question"], required: ["text", "question"])]
        case .invertedLayout: return literal("intro", "between")
        }
    }

    public func part(named name: String) -> Part? {
        parts.first { $0.name == name }
    }

    /// The question–answer family for a pair kind (nil for unusable pairs, which are left out).
    public static func qa(for kind: PairKindName) -> TemplateFamily {
        switch kind {
        case .plain: return .qaPlain
        case .options: return .qaOptions
        case .cot: return .qaCot
        case .optionsCot: return .qaOptionsCot
        }
    }

    public static func < (lhs: TemplateFamily, rhs: TemplateFamily) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// The usable pair kinds, those templify formats (`unusable` pairs never reach the renderer).
///
///     TemplifyPair(id: 1, pair: QAPair(question: "Who?", answer: "Me")).kind   // .plain
///     TemplateFamily.qa(for: .optionsCot)                                     // .qaOptionsCot
public enum PairKindName: String, Sendable, CaseIterable, Codable {
    case plain, options, cot
    case optionsCot = "options_cot"
}

/// How the options of a question are named in an option style (`names` part).
///
///     OptionNaming.upperLetters.name(at: 27)   // "AB"
///     OptionNaming.lowerRoman.name(at: 3)      // "iv"
public enum OptionNaming: String, Sendable, CaseIterable {
    case upperLetters = "upper_letters"
    case lowerLetters = "lower_letters"
    case numbers
    case lowerRoman = "lower_roman"
    case upperRoman = "upper_roman"
    /// Bullets: the options have no names, so an answer can only be given as text.
    case none

    public func name(at index: Int) -> String {
        switch self {
        case .upperLetters: return OptionNaming.letters(index, base: "A")
        case .lowerLetters: return OptionNaming.letters(index, base: "a")
        case .numbers: return String(index + 1)
        case .lowerRoman: return OptionNaming.roman(index + 1).lowercased()
        case .upperRoman: return OptionNaming.roman(index + 1)
        case .none: return ""
        }
    }

    /// Spreadsheet-style: A … Z, AA, AB …
    static func letters(_ index: Int, base: Character) -> String {
        let start = base.asciiValue ?? 65
        var value = index + 1
        var result: [UInt8] = []
        while value > 0 {
            value -= 1
            result.append(start + UInt8(value % 26))
            value /= 26
        }
        return String(decoding: result.reversed(), as: UTF8.self)
    }

    static func roman(_ number: Int) -> String {
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                      (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var value = number
        var result = ""
        for (amount, numeral) in table {
            while value >= amount {
                result += numeral
                value -= amount
            }
        }
        return result
    }
}
