import Foundation

/// Why the template catalog, or a stored augmented text, cannot be used, with what to do next.
public enum TemplateError: Error, Equatable, Sendable {
    case malformedFile(file: String, reason: String)
    case malformedTemplate(file: String, template: String, reason: String)
    case unknownPlaceholder(file: String, template: String, part: String, placeholder: String, allowed: [String])
    case missingPlaceholder(file: String, template: String, part: String, placeholder: String)
    case duplicateTemplate(file: String, template: String, family: String, version: Int)
    case emptyFamily(family: String)
    case changedWithoutNewVersion(family: String, template: String, version: Int)
    case unknownTemplateId(Int64)
    case unknownAugmentedText(Int64)
    case unfinishedRun(run: Int64, open: Int)
    case rebuildMismatch(augmentedTextId: Int64)
    case changedRendering(run: Int64, seed: Int64, firstRequestId: Int64)
    case corruptRecord(augmentedTextId: Int64, field: String)
}

extension TemplateError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .malformedFile(file, reason):
            return "templates/\(file): \(reason); each file is {\"family\": ..., \"version\": N, \"templates\": [{\"name\": ..., \"body\": {...}}]}"
        case let .malformedTemplate(file, template, reason):
            return "templates/\(file), template \"\(template)\": \(reason)"
        case let .unknownPlaceholder(file, template, part, placeholder, allowed):
            let list = allowed.isEmpty ? "none" : allowed.map { "{\($0)}" }.joined(separator: ", ")
            return "templates/\(file), template \"\(template)\", part \"\(part)\": unknown placeholder {\(placeholder)}; this part allows \(list) (write {{ and }} for literal braces)"
        case let .missingPlaceholder(file, template, part, placeholder):
            return "templates/\(file), template \"\(template)\", part \"\(part)\": must contain {\(placeholder)}, or that content would be dropped"
        case let .duplicateTemplate(file, template, family, version):
            return "templates/\(file): template \"\(template)\" (family \(family), version \(version)) is defined twice; rename one"
        case let .emptyFamily(family):
            return "the template catalog has no template of family \(family): add at least one to templates/"
        case let .changedWithoutNewVersion(family, template, version):
            return "template \"\(template)\" (family \(family), version \(version)) differs from the one already stored under that version: raise the file's \"version\" so texts made with the old wording can still be rebuilt"
        case let .unknownTemplateId(id):
            return "no template with id \(id) in this database: see `ipt templates list`"
        case let .unknownAugmentedText(id):
            return "no augmented text with id \(id): list them with `ipt export augmented` or `ipt query mode_distribution`"
        case let .unfinishedRun(run, open):
            return "synthesis run \(run) still has \(open) pending or leased request(s): finish it with `ipt synth work --run \(run)` before templify"
        case let .rebuildMismatch(id):
            return "augmented text \(id) rebuilt from its recorded choices differs from the stored text: the stored row, its pairs or its templates were changed"
        case let .changedRendering(run, seed, firstRequestId):
            return "run \(run), seed \(seed): the chain starting at request \(firstRequestId) now renders differently from its stored text (the catalog changed); pass --replace to write the run's texts anew"
        case let .corruptRecord(id, field):
            return "augmented text \(id): field \(field) cannot be read; the row was edited by hand"
        }
    }
}
