import Foundation
import Store

/// `ipt templates validate`: a catalog (the built-in one, or a folder of catalog files being
/// edited) parsed as a whole, and the templates a database stores parsed back and compared
/// with it.
///
///     let check = try CatalogCheck(directory: "templates")
///     check.summary.forEach { print($0) }
///     let (stored, conflicts) = try check.conflicts(store: store)   // conflicts empty when consistent
public struct CatalogCheck {
    public let catalog: TemplateCatalog

    /// Parses `directory`'s *.json files as a whole catalog (nil: the built-in catalog).
    public init(directory: String?) throws {
        guard let directory else { catalog = try TemplateCatalog.embedded(); return }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        catalog = try TemplateCatalog.parse(files: try names.map { name in
            (name: name, contents: try String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8))
        })
    }

    /// Templates per family and the classic-mode format combinations.
    public var summary: [String] {
        let families = Dictionary(grouping: catalog.all, by: \.family)
        return ["catalog: \(catalog.all.count) templates in \(families.count) families, valid"]
            + TemplateFamily.allCases.map { "  \($0.rawValue): \(families[$0]?.count ?? 0)" }
            + [String(format: "  classic-mode format combinations: %.3g", catalog.classicCombinations)]
    }

    /// The stored templates (all parsed back) and, for each name and version stored with other
    /// content than this catalog's, the error saying so.
    public func conflicts(store: Store) throws -> (stored: Int, conflicts: [TemplateError]) {
        let stored = try store.read { db in try TemplateRepository.all(in: db) }
        let conflicts = catalog.all.compactMap { template -> TemplateError? in
            guard let match = stored.first(where: { $0.family == template.family && $0.name == template.name && $0.version == template.version }),
                  match.sha256 != template.sha256 else { return nil }
            return .changedWithoutNewVersion(family: template.family.rawValue, template: template.name, version: template.version)
        }
        return (stored.count, conflicts)
    }
}
