import JSONLines

/// The instruction-format template catalog: every template of `templates/*.json`, validated
/// when loaded, grouped by family in file order so a seeded choice picks the same template
/// whatever the database ids are.
///
///     let catalog = try TemplateCatalog.embedded()        // the catalog built into ipt
///     catalog.templates(of: .qaPlain).count               // dozens
///     let template = catalog.template(id: 7)
///
/// A catalog file is `{"family": "qa_plain", "version": 1, "templates": [{"name": "...", "body": {...}}]}`;
/// families with a single part `text` may write `"text": "..."` instead of a body.
public struct TemplateCatalog: Sendable {
    public private(set) var all: [Template]
    private var byFamily: [TemplateFamily: [Template]]
    private var byId: [Int64: Template]

    public init(templates: [Template]) {
        all = templates
        byFamily = Dictionary(grouping: templates, by: \.family)
        byId = Dictionary(templates.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The templates of one family, in catalog order (empty if the family has none).
    public func templates(of family: TemplateFamily) -> [Template] {
        byFamily[family] ?? []
    }

    public func template(id: Int64) -> Template? {
        byId[id]
    }

    /// How many distinct ways the catalog can format a text's frame and pairs: the product of
    /// the family sizes that one classic text uses (a lower bound on the formats overall).
    public var classicCombinations: Double {
        let families: [TemplateFamily] = [.qaPlain, .qaOptions, .qaCot, .qaOptionsCot, .optionStyle, .noneOfTheAbove,
                                          .textStart, .textEnd, .comprehensionStart, .pairSeparator, .chainSeparator]
        return families.reduce(1.0) { $0 * Double(max(templates(of: $1).count, 1)) }
    }

    /// The catalog built into this binary from `templates/`.
    public static func embedded() throws(TemplateError) -> TemplateCatalog {
        try parse(files: EmbeddedTemplates.files)
    }

    /// Parses and validates catalog files (name, contents) in the order given; templates get
    /// provisional ids 1, 2, … in that order. Every family must have at least one template.
    public static func parse(files: [(name: String, contents: String)]) throws(TemplateError) -> TemplateCatalog {
        var templates: [Template] = []
        var seen: Set<String> = []
        for file in files where file.name.hasSuffix(".json") {
            for template in try parse(file: file.name, contents: file.contents, firstId: Int64(templates.count + 1)) {
                let key = "\(template.family.rawValue)\n\(template.name)\n\(template.version)"
                guard seen.insert(key).inserted else {
                    throw .duplicateTemplate(file: file.name, template: template.name, family: template.family.rawValue, version: template.version)
                }
                templates.append(template)
            }
        }
        let catalog = TemplateCatalog(templates: templates)
        for family in TemplateFamily.allCases where catalog.templates(of: family).isEmpty {
            throw .emptyFamily(family: family.rawValue)
        }
        return catalog
    }

    static func parse(file: String, contents: String, firstId: Int64) throws(TemplateError) -> [Template] {
        let root: JSONValue
        do {
            root = try JSONParser.parse(contents)
        } catch {
            throw .malformedFile(file: file, reason: "not valid JSON at byte \(error.offset): \(error.message)")
        }
        guard case .object = root else { throw .malformedFile(file: file, reason: "the top level must be an object") }
        guard let familyName = root["family"]?.stringValue else {
            throw .malformedFile(file: file, reason: "missing string field \"family\"")
        }
        guard let family = TemplateFamily(rawValue: familyName) else {
            throw .malformedFile(file: file, reason: "unknown family \"\(familyName)\"; known: \(TemplateFamily.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let version = root["version"]?.intValue, version >= 1 else {
            throw .malformedFile(file: file, reason: "field \"version\" must be an integer ≥ 1")
        }
        guard let entries = root["templates"]?.arrayValue else {
            throw .malformedFile(file: file, reason: "missing array field \"templates\"")
        }
        var templates: [Template] = []
        for (index, entry) in entries.enumerated() {
            guard case .object = entry, let name = entry["name"]?.stringValue, !name.isEmpty else {
                throw .malformedFile(file: file, reason: "template #\(index + 1) must be an object with a non-empty string \"name\"")
            }
            let body: [(key: String, value: JSONValue)]
            if let text = entry["text"] {
                guard family.parts.map(\.name) == ["text"] else {
                    throw .malformedTemplate(file: file, template: name, reason: "the \"text\" shorthand is only for single-part families; give a \"body\" object with parts \(family.parts.map(\.name).joined(separator: ", "))")
                }
                body = [("text", text)]
            } else if case let .object(members)? = entry["body"] {
                body = members
            } else {
                throw .malformedTemplate(file: file, template: name, reason: "missing object \"body\"")
            }
            templates.append(try Template.validated(id: firstId + Int64(index), family: family, name: name, version: version,
                                                     body: body, file: file))
        }
        return templates
    }
}
