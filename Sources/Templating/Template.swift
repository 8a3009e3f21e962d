import Foundation
import JSONLines
import Store

/// One template of the catalog: a family, a name and version, and a body of named parts (each a
/// parsed `Pattern`). Its content hash covers family, name, version and body, so a stored text
/// can name exactly the wording it was made with.
///
///     let template = catalog.templates(of: .qaPlain)[0]
///     template.pattern("question_label").literalText   // e.g. "Question: "
///     template.bodyJSON                                 // {"question_label":"Question: ",...}
public struct Template: Sendable, Equatable {
    /// The row id in `templates` (provisional ids 1… in catalog order before loading).
    public var id: Int64
    public var family: TemplateFamily
    public var name: String
    public var version: Int
    /// Part name → pattern, in the family's part order.
    public var parts: [(name: String, pattern: Pattern, text: String)]
    /// The catalog file it was read from.
    public var file: String

    public init(id: Int64, family: TemplateFamily, name: String, version: Int,
                parts: [(name: String, pattern: Pattern, text: String)], file: String) {
        self.id = id
        self.file = file
        self.family = family
        self.name = name
        self.version = version
        self.parts = parts
    }

    public static func == (lhs: Template, rhs: Template) -> Bool {
        lhs.id == rhs.id && lhs.family == rhs.family && lhs.name == rhs.name && lhs.version == rhs.version
            && lhs.bodyJSON == rhs.bodyJSON
    }

    /// The pattern of a part; every part the family lists is present after validation.
    public func pattern(_ part: String) -> Pattern {
        parts.first { $0.name == part }?.pattern ?? Pattern.empty
    }

    /// The body as canonical JSON (parts in the family's order), as stored in `templates.body`.
    public var bodyJSON: String {
        var writer = JSONWriter()
        writer.object { object in
            for part in parts { object.member(part.name) { $0.string(part.text) } }
        }
        return writer.text
    }

    /// Lowercase hex SHA-256 of `family \n name \n version \n body`.
    public var sha256: String {
        Hex.sha256("\(family.rawValue)\n\(name)\n\(version)\n\(bodyJSON)")
    }

    /// Builds and validates a template from a body read from JSON: every part of the family
    /// present and no other, only the family's placeholders, every required one present.
    public static func validated(id: Int64, family: TemplateFamily, name: String, version: Int,
                                 body: [(key: String, value: JSONValue)], file: String) throws(TemplateError) -> Template {
        for member in body where family.part(named: member.key) == nil {
            throw .malformedTemplate(file: file, template: name, reason: "unknown part \"\(member.key)\"; family \(family.rawValue) has parts \(family.parts.map(\.name).joined(separator: ", "))")
        }
        var parts: [(name: String, pattern: Pattern, text: String)] = []
        for part in family.parts {
            guard let value = body.last(where: { $0.key == part.name })?.value else {
                throw .malformedTemplate(file: file, template: name, reason: "missing part \"\(part.name)\"")
            }
            guard let text = value.stringValue else {
                throw .malformedTemplate(file: file, template: name, reason: "part \"\(part.name)\" must be a string, found \(value.kindDescription)")
            }
            let pattern: Pattern
            do {
                pattern = try Pattern(parsing: text)
            } catch {
                throw .malformedTemplate(file: file, template: name, reason: "part \"\(part.name)\": \(describe(error))")
            }
            for placeholder in pattern.placeholders where !part.placeholders.contains(placeholder) {
                throw .unknownPlaceholder(file: file, template: name, part: part.name, placeholder: placeholder, allowed: part.placeholders)
            }
            for placeholder in part.required where !pattern.placeholders.contains(placeholder) {
                throw .missingPlaceholder(file: file, template: name, part: part.name, placeholder: placeholder)
            }
            parts.append((part.name, pattern, text))
        }
        let template = Template(id: id, family: family, name: name, version: version, parts: parts, file: file)
        if family == .optionStyle { try template.checkOptionStyle(file: file) }
        return template
    }

    /// An option style must name a known naming scheme, and can give the answer by name only
    /// if its options have names.
    private func checkOptionStyle(file: String) throws(TemplateError) {
        let names = pattern("names").literalText
        guard let naming = OptionNaming(rawValue: names) else {
            throw .malformedTemplate(file: file, template: name, reason: "part \"names\" is \"\(names)\"; expected one of \(OptionNaming.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let answer = pattern("answer").placeholders
        guard !answer.isEmpty else {
            throw .malformedTemplate(file: file, template: name, reason: "part \"answer\" must contain {name} or {option}")
        }
        if naming == .none && (answer.contains("name") || pattern("item").placeholders.contains("name")) {
            throw .malformedTemplate(file: file, template: name, reason: "options named \"none\" have no {name} to show; use {option}")
        }
    }

    private static func describe(_ error: Pattern.SyntaxError) -> String {
        switch error {
        case let .unclosedBrace(offset): return "\"{\" at character \(offset) is never closed (write {{ for a literal brace)"
        case let .strayClosingBrace(offset): return "\"}\" at character \(offset) closes nothing (write }} for a literal brace)"
        case let .emptyPlaceholder(offset): return "empty placeholder {} at character \(offset)"
        }
    }
}

extension Pattern {
    static let empty = Pattern(segments: [])

    init(segments: [Segment]) {
        self.segments = segments
    }
}
