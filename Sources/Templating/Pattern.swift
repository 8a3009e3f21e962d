/// A template string split into literal text and `{placeholder}`s, parsed once when the catalog
/// loads so rendering is plain concatenation. `{{` and `}}` stand for literal braces.
///
///     let pattern = try Pattern(parsing: "Q: {question}\nA: {answer}")
///     pattern.placeholders                                    // ["question", "answer"]
///     pattern.fill { $0 == "question" ? "Why?" : "Because." }  // "Q: Why?\nA: Because."
public struct Pattern: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    /// Why a pattern string cannot be parsed.
    public enum SyntaxError: Error, Equatable, Sendable {
        case unclosedBrace(offset: Int)
        case strayClosingBrace(offset: Int)
        case emptyPlaceholder(offset: Int)
    }

    public let segments: [Segment]

    public init(parsing text: String) throws(SyntaxError) {
        var segments: [Segment] = []
        var literal: [Character] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            if character == "{" && next == "{" {
                literal.append("{")
                index += 2
            } else if character == "}" && next == "}" {
                literal.append("}")
                index += 2
            } else if character == "{" {
                guard let close = characters[(index + 1)...].firstIndex(of: "}") else { throw .unclosedBrace(offset: index) }
                let name = String(characters[(index + 1)..<close])
                guard !name.isEmpty else { throw .emptyPlaceholder(offset: index) }
                if !literal.isEmpty { segments.append(.literal(String(literal))) }
                literal = []
                segments.append(.placeholder(name))
                index = close + 1
            } else if character == "}" {
                throw .strayClosingBrace(offset: index)
            } else {
                literal.append(character)
                index += 1
            }
        }
        if !literal.isEmpty { segments.append(.literal(String(literal))) }
        self.segments = segments
    }

    /// The placeholder names in order of appearance (with repeats).
    public var placeholders: [String] {
        segments.compactMap { if case let .placeholder(name) = $0 { name } else { nil } }
    }

    /// The text with every placeholder replaced by `value(name)`.
    public func fill(_ value: (String) -> String) -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case let .literal(text): result += text
            case let .placeholder(name): result += value(name)
            }
        }
        return result
    }

    /// The literal text of a pattern without placeholders.
    public var literalText: String { fill { _ in "" } }
}
