import Foundation
import GRDB
import JSONLines
import Store

/// The only place the `templates` table is read and written. Loading is idempotent by content:
/// a template already stored with the same hash keeps its id; one stored under the same family,
/// name and version with other content is an error (its wording must get a new version).
///
///     let catalog = try store.write { db in try TemplateRepository.load(TemplateCatalog.embedded(), in: db) }
///     catalog.catalog.templates(of: .qaPlain)[0].id    // the row id now
///     let used = try store.read { db in try TemplateRepository.catalog(ids: [3, 9], in: db) }
public enum TemplateRepository {
    /// What `load` did: the catalog with database ids, and how many templates were new.
    public struct LoadResult: Sendable {
        public var catalog: TemplateCatalog
        public var added: Int
        public var unchanged: Int
    }

    /// `load` as a transaction of its own (`ipt templates load`).
    public static func load(_ catalog: TemplateCatalog, store: Store) throws -> LoadResult {
        try store.write { db in try load(catalog, in: db) }
    }

    public static func load(_ catalog: TemplateCatalog, in db: Database) throws -> LoadResult {
        let find = try db.cachedStatement(sql: "SELECT id, sha256 FROM templates WHERE family = ? AND name = ? AND version = ?")
        let insert = try db.cachedStatement(sql: """
            INSERT INTO templates (family, name, version, body, sha256, source_file) VALUES (?, ?, ?, ?, ?, ?)
            """)
        var loaded: [Template] = []
        var added = 0
        for var template in catalog.all {
            let hash = template.sha256
            if let row = try Row.fetchOne(find, arguments: [template.family.rawValue, template.name, template.version]) {
                guard (row["sha256"] as String) == hash else {
                    throw TemplateError.changedWithoutNewVersion(family: template.family.rawValue, template: template.name,
                                                                 version: template.version)
                }
                template.id = row["id"]
            } else {
                try insert.execute(arguments: [template.family.rawValue, template.name, template.version, template.bodyJSON,
                                               hash, template.file])
                template.id = db.lastInsertedRowID
                added += 1
            }
            loaded.append(template)
        }
        return LoadResult(catalog: TemplateCatalog(templates: loaded), added: added, unchanged: loaded.count - added)
    }

    /// The stored templates with these ids, as a catalog for rendering (rebuilds use it).
    public static func catalog(ids: [Int64], in db: Database) throws -> TemplateCatalog {
        var templates: [Template] = []
        for id in Set(ids).sorted() {
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM templates WHERE id = ?", arguments: [id]) else {
                throw TemplateError.unknownTemplateId(id)
            }
            templates.append(try template(from: row))
        }
        return TemplateCatalog(templates: templates)
    }

    /// Every stored template, by family, name and version.
    public static func all(in db: Database) throws -> [Template] {
        try Row.fetchAll(db, sql: "SELECT * FROM templates ORDER BY family, name, version").map(template(from:))
    }

    static func template(from row: Row) throws -> Template {
        let id: Int64 = row["id"]
        let file = "\(row["source_file"] as String) (stored as template \(id))"
        guard let family = TemplateFamily(rawValue: row["family"]) else {
            throw TemplateError.malformedFile(file: file, reason: "unknown family \(row["family"] as String)")
        }
        let body: JSONValue
        do {
            body = try JSONParser.parse(row["body"] as String)
        } catch {
            throw TemplateError.malformedFile(file: file, reason: "stored body is not JSON")
        }
        guard case let .object(members) = body else {
            throw TemplateError.malformedFile(file: file, reason: "stored body is not an object")
        }
        return try Template.validated(id: id, family: family, name: row["name"], version: row["version"], body: members, file: row["source_file"])
    }
}
