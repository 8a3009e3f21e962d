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
    var family: TemplateFamily?

    @Flag(help: "List the catalog built into this ipt instead of the database's templates.")
    var builtIn = false

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
        for template in templates where family == nil || template.family == family {
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
        let result = try TemplateRepository.load(try TemplateCatalog.embedded(), store: try Store.open(path: database.db))
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
        let check = try CatalogCheck(directory: dir)
        check.summary.forEach { print($0) }
        guard FileManager.default.fileExists(atPath: database.db) else { return }
        let (stored, conflicts) = try check.conflicts(store: try Store.open(path: database.db, mode: .readOnly))
        for conflict in conflicts { printError(conflict.localizedDescription) }
        print("database \(database.db): \(stored) stored templates parse back; \(conflicts.count) conflict(s) with this catalog")
        if !conflicts.isEmpty { throw ExitCode.failure }
    }
}

extension TemplateFamily: ExpressibleByArgument {}
