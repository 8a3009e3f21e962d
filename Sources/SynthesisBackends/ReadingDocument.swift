import Synthesis
/// A raw text taken apart the way the reading-comprehension miner needs it: a title line,
/// headings, paragraphs of sentences, definition-list items (a short term line followed by a
/// more indented description, as in man pages and glossaries), and word frequencies.
///
///     let document = ReadingDocument("LS(1)\n\nNAME\n       ls - list directory contents\n")
///     document.title                 // "LS(1)"
///     document.sections.map(\.heading)   // ["NAME"]
public struct ReadingDocument: Sendable {
    /// A section: a heading (nil for text before the first heading) and its paragraphs.
    public struct Section: Sendable {
        public var heading: String?
        public var paragraphs: [[String]]
    }

    /// A term line and the first sentence of its description.
    public struct DefinitionItem: Sendable, Equatable {
        public var term: String
        public var description: String
    }

    public private(set) var title: String?
    public private(set) var sections: [Section] = []
    public private(set) var definitions: [DefinitionItem] = []
    /// How often each lower-cased word of four or more letters occurs.
    public private(set) var wordCounts: [String: Int] = [:]

    /// One sentence in reading order, where it stands, and its content words.
    public struct Sentence: Sendable {
        public var section: Int
        public var paragraph: Int
        public var text: String
        public var contentWords: [String]
    }

    /// Every sentence in reading order.
    public private(set) var sentences: [Sentence] = []

    public init(_ text: String) {
        let lines = ReadingDocument.dehyphenate(text).split(separator: "\n", omittingEmptySubsequences: false)
        var current = Section(heading: nil, paragraphs: [])
        var paragraphLines: [Substring] = []
        var sawContent = false

        func flushParagraph() {
            guard !paragraphLines.isEmpty else { return }
            let joined = ReadingDocument.collapse(paragraphLines.joined(separator: " "))
            paragraphLines = []
            let sentences = SentenceSplitter.sentences(in: joined)
            if !sentences.isEmpty { current.paragraphs.append(sentences) }
        }

        for (index, line) in lines.enumerated() {
            let trimmed = ReadingDocument.trim(line)
            if trimmed.isEmpty {
                flushParagraph()
                continue
            }
            if !sawContent {
                sawContent = true
                if ReadingDocument.isTitle(trimmed) {
                    title = ReadingDocument.firstColumn(trimmed)
                    continue
                }
            }
            if ReadingDocument.isHeading(line: line, trimmed: trimmed) {
                flushParagraph()
                if current.heading != nil || !current.paragraphs.isEmpty { sections.append(current) }
                current = Section(heading: ReadingDocument.collapse(trimmed), paragraphs: [])
                continue
            }
            if index + 1 < lines.count, let item = ReadingDocument.definition(term: line, next: lines[index + 1], after: lines[(index + 1)...]) {
                definitions.append(item)
            }
            paragraphLines.append(trimmed[...])
        }
        flushParagraph()
        if current.heading != nil || !current.paragraphs.isEmpty { sections.append(current) }

        var paragraphIndex = 0
        for (sectionIndex, section) in sections.enumerated() {
            for paragraph in section.paragraphs {
                for text in paragraph {
                    let words = Words.contentWords(in: text)
                    for word in words { wordCounts[word, default: 0] += 1 }
                    sentences.append(Sentence(section: sectionIndex, paragraph: paragraphIndex, text: text, contentWords: words))
                }
                paragraphIndex += 1
            }
        }
    }

    static let blank: Set<Character> = [" ", "\t", "\r", "\u{0B}", "\u{0C}"]

    static func trim(_ text: Substring) -> String {
        guard let first = text.firstIndex(where: { !blank.contains($0) }),
              let last = text.lastIndex(where: { !blank.contains($0) }) else { return "" }
        return String(text[first...last])
    }

    /// Joins words that a typesetter broke across lines ("re‐\n   placed" → "replaced").
    static func dehyphenate(_ text: String) -> String {
        guard text.contains("\u{2010}\n") else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let parts = PythonString.split(text, on: "\u{2010}\n")
        for (index, part) in parts.enumerated() {
            if index == 0 { result += part; continue }
            result += part.drop(while: { $0 == " " || $0 == "\t" })
        }
        return result
    }

    /// Runs of white space become one space.
    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// A first line that names the text rather than saying something: short, no full stop.
    static func isTitle(_ line: String) -> Bool {
        let words = line.split(separator: " ").count
        return words <= 14 && !line.hasSuffix(".") && line.contains(where: \.isLetter)
    }

    /// Man-page headers and tables put columns apart by several spaces; the first is the name.
    static func firstColumn(_ line: String) -> String {
        let columns = PythonString.split(line, on: "   ").map { trim($0[...]) }.filter { !$0.isEmpty }
        return columns.first.map(collapse) ?? collapse(line)
    }

    /// "DESCRIPTION", "## Usage", "Exit status:" at the margin: a heading.
    static func isHeading(line: Substring, trimmed: String) -> Bool {
        if trimmed.hasPrefix("#") { return trimmed.count > 1 }
        let words = trimmed.split(separator: " ")
        guard words.count <= 6, line.first.map({ !blank.contains($0) }) ?? false else { return false }
        let letters = trimmed.filter(\.isLetter)
        guard letters.count >= 3 else { return false }
        return letters.allSatisfy(\.isUppercase)
    }

    /// A short term line followed by a more indented description line ("  -l\n      use a long
    /// listing format").
    static func definition(term: Substring, next: Substring, after: ArraySlice<Substring>) -> DefinitionItem? {
        let termIndent = term.utf8.prefix(while: { $0 == 0x20 }).count
        let nextIndent = next.utf8.prefix(while: { $0 == 0x20 }).count
        guard nextIndent > termIndent, termIndent > 0, term.utf8.count - termIndent <= 80 else { return nil }
        let termText = collapse(String(term))
        guard !termText.isEmpty, !termText.contains("$"), !termText.contains("\\"),
              termText.split(separator: " ").count <= 6, !termText.hasSuffix("."), !termText.hasSuffix(",")
        else { return nil }
        var descriptionLines: [Substring] = []
        for line in after {
            let indent = line.prefix(while: { $0 == " " }).count
            if line.allSatisfy({ $0 == " " }) || indent < nextIndent { break }
            descriptionLines.append(line)
        }
        let description = collapse(descriptionLines.joined(separator: " "))
        guard let first = SentenceSplitter.sentences(in: description).first, first.split(separator: " ").count >= 3 else { return nil }
        return DefinitionItem(term: termText, description: first)
    }
}

/// Splits a paragraph into sentences at `.`, `!` or `?` followed by a space and a capital,
/// digit or quote — not after common abbreviations or single initials.
///
///     SentenceSplitter.sentences(in: "It works, e.g. here. Then stop.")  // ["It works, e.g. here.", "Then stop."]
public enum SentenceSplitter {
    static let abbreviations: Set<String> = ["e.g.", "i.e.", "etc.", "vs.", "cf.", "Dr.", "Mr.", "Mrs.", "Ms.", "No.",
                                             "Fig.", "al.", "approx.", "resp.", "Inc.", "Ltd.", "St.", "Jr."]

    public static func sentences(in paragraph: String) -> [String] {
        let scalars = Array(paragraph.unicodeScalars)
        var sentences: [String] = []
        var start = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "." || scalar == "!" || scalar == "?",
               index + 2 < scalars.count, scalars[index + 1] == " ",
               isSentenceStart(scalars[index + 2]),
               !endsWithAbbreviation(scalars, start: start, end: index) {
                sentences.append(String(String.UnicodeScalarView(scalars[start...index])))
                start = index + 2
                index += 2
                continue
            }
            index += 1
        }
        if start < scalars.count { sentences.append(String(String.UnicodeScalarView(scalars[start...]))) }
        return sentences.map { ReadingDocument.trim($0[...]) }.filter { !$0.isEmpty }
    }

    private static func isSentenceStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "\"" || scalar == "(" }
        return scalar.properties.isUppercase || scalar == "\u{201C}"
    }

    private static func endsWithAbbreviation(_ scalars: [Unicode.Scalar], start: Int, end: Int) -> Bool {
        var wordStart = end
        while wordStart > start && scalars[wordStart - 1] != " " { wordStart -= 1 }
        let length = end - wordStart + 1
        // A single capital initial ("J. Smith").
        if length == 2 { return scalars[wordStart].properties.isUppercase }
        guard length <= 7 else { return false }
        return abbreviations.contains(String(String.UnicodeScalarView(scalars[wordStart...end])))
    }
}

/// Words of a sentence, and the ones that carry content (not stop words, four letters or more).
///
///     Words.contentWords(in: "The compressor keeps file dates")   // ["compressor", "keeps", "file", "dates"]
public enum Words {
    static let stopWords: Set<String> = [
        "about", "above", "after", "again", "also", "although", "always", "another", "because", "been", "before",
        "being", "below", "between", "both", "cannot", "could", "does", "doing", "down", "during", "each", "either",
        "else", "even", "every", "from", "further", "given", "have", "having", "here", "however", "into", "itself",
        "just", "least", "less", "like", "made", "make", "many", "more", "most", "much", "must", "neither", "never",
        "none", "only", "other", "otherwise", "over", "same", "should", "since", "some", "such", "than", "that",
        "their", "them", "then", "there", "therefore", "these", "they", "this", "those", "though", "through", "thus",
        "under", "until", "upon", "used", "uses", "using", "very", "want", "well", "were", "what", "when", "where",
        "whether", "which", "while", "will", "with", "within", "without", "would", "your", "yours",
    ]

    public static func words(in text: String) -> [Substring] {
        text.unicodeScalars.split(whereSeparator: { !isWordScalar($0) })
            .map { Substring($0).trimmingPrefix(while: { $0 == "-" || $0 == "'" }) }
            .filter { !$0.isEmpty }
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "_" || scalar == "'"
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    public static func contentWords(in text: String) -> [String] {
        words(in: text).compactMap { word in
            guard word.count >= 4, word.first?.isLetter ?? false else { return nil }
            let lower = word.lowercased()
            return stopWords.contains(lower) ? nil : lower
        }
    }
}
