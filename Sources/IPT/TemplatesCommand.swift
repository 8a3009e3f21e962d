import ArgumentParser
import Foundation
import Store
import Templating

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "The instruction-format template catalog (templates/*.json, built into ipt).",
        discussion: """
            Families: qa_plain, qa_options, qa_cot, qa_options_cot (question–answer patterns per pair \
            kind), option_style, none_of_the_above, text_start, text_end, comprehension_start, \
            pair_separator, chain_separator, dialog_speakers, and the layouts of the numbered, \
            inline few-shot, next-turn dialog and inverted modes. Templify loads the catalog by \
            itself; `load` does it ahead of time.
            """,
        subcommands: [TemplatesListCommand.self, TemplatesLoadCommand.self, TemplatesValidateCommand.self])
}

struct TemplatesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the templates stored in the database (or, with --built-in, the catalog in this ipt).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Only this family.")
    var family: String?

    @Flag(help: "List the catalog built into this ipt instead of the database's templates.")
    var builtIn = false

    func validate() throws {
        if let family, TemplateFamily(rawValue: family) == nil {
            throw ValidationError("--family: unknown family \(family); known: \(TemplateFamily.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let templates: [Template]
        if builtIn {
            templates = try TemplateCatalog.embedded().all
        } else {
            let store = try Store.open(path: database.db, mode: .readOnly)
            templates = try store.read { db in try TemplateRepository.all(in: db) }
            if templates.isEmpty { printError("no templates in \(database.db) yet: run `ipt templates load` (templify loads them too)") }
        }
        var table = TextTable(columns: ["id", "family", "name", "version", "body"], maxWidth: 70)
        for template in templates where family == nil || template.family.rawValue == family {
            table.append([String(template.id), template.family.rawValue, template.name, String(template.version), oneLine(template.bodyJSON)])
        }
        print(table.render())
    }
}

struct TemplatesLoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load the built-in catalog into the database (idempotent by content hash).")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let catalog = try TemplateCatalog.embedded()
        let store = try Store.open(path: database.db)
        let result = try store.write { db in try TemplateRepository.load(catalog, in: db) }
        print("\(result.added) templates added, \(result.unchanged) already stored")
    }
}

struct TemplatesValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check catalog files: the built-in catalog, a templates/ folder (--dir), and the database's stored templates.",
        discussion: """
            With --dir, the folder's *.json files are parsed as a whole catalog (every family \
            present, every placeholder known): use it while editing templates/ before rebuilding ipt. \
            With an existing --db, the stored templates are parsed back and compared with the \
            built-in catalog (a name and version stored with other content is reported).
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("A folder of catalog files to check instead of the built-in catalog.", valueName: "dir"))
    var dir: String?

    func run() throws {
        let catalog: TemplateCatalog
        if let dir {
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
            let files = try names.map { name in
                (name: name, contents: try String(contentsOfFile: (dir as NSString).appendingPathComponent(name), encoding: .utf8))
            }
            catalog = try TemplateCatalog.parse(files: files)
        } else {
            catalog = try TemplateCatalog.embedded()
        }
        let families = Dictionary(grouping: catalog.all, by: \.family)
        print("catalog: \(catalog.all.count) templates in \(families.count) families, valid")
        for family in TemplateFamily.allCases { print("  \(family.rawValue): \(families[family]?.count ?? 0)") }
        print(String(format: "  classic-mode format combinations: %.3g", catalog.classicCombinations))
        guard FileManager.default.fileExists(atPath: database.db) else { return }
        let store = try Store.open(path: database.db, mode: .readOnly)
        let stored = try store.read { db in try TemplateRepository.all(in: db) }
        var conflicts = 0
        for template in catalog.all {
            if let match = stored.first(where: { $0.family == template.family && $0.name == template.name && $0.version == template.version }),
               match.sha256 != template.sha256 {
                conflicts += 1
                printError(TemplateError.changedWithoutNewVersion(family: template.family.rawValue, template: template.name,
                                                                  version: template.version).localizedDescription)
            }
        }
        print("database \(database.db): \(stored.count) stored templates parse back; \(conflicts) conflict(s) with this catalog")
        if conflicts > 0 { throw ExitCode.failure }
    }
}
