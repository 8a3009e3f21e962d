import ArgumentParser
import Foundation
import ProgressReporting
import Store
import Templating

struct TemplifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templify",
        abstract: "Turn a synthesis run's chains into instruction-augmented pre-training texts.",
        discussion: """
            Each chain (a raw text and the texts that inherit from it in later rounds, with their \
            pairs) becomes one text. Its format is drawn with SeededGenerator(seed, first request id): \
            a comprehension mode (Classic 95 / Dialog 5, or Classic 80 and Dialog, Numbered, Inline \
            few-shot, Next-turn dialog 5 each when every entry has at least two usable pairs), a 5% \
            inversion (pairs before the text), a question–answer pattern per pair kind, an option \
            style with shuffled options, and text, separator and speaker strings from the catalog \
            (`ipt templates list`). Entries whose pairs are all unusable stay raw. Every choice is \
            stored in augmented_texts, so `ipt templify show ID` rebuilds the text from its row.

            Examples:
              ipt templify --run 1                 # seed = the run's seed
              ipt templify --run 1 --seed 2        # a second augmentation of the same run
              ipt templify show 17
            """,
        subcommands: [TemplifyRunCommand.self, TemplifyShowCommand.self],
        defaultSubcommand: TemplifyRunCommand.self)
}

struct TemplifyRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Templify a finished synthesis run (the default subcommand).",
        discussion: """
            Runs in one transaction. Re-running with the same seed is idempotent: stored texts are \
            kept when they render the same, and the command fails if the catalog changed what they \
            would be; --replace deletes that run's texts for that seed and writes them anew. Texts \
            of other seeds are never touched.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: "The synthesis run's id (see `ipt synth status`).")
    var runId: Int64

    @Option(help: "Seed of every format choice (default: the run's seed).")
    var seed: Int64?

    @Flag(help: "Delete this run's texts for this seed and write them anew.")
    var replace = false

    @OptionGroup var progress: ProgressOptions

    func run() throws {
        let store = try Store.open(path: database.db)
        let reporter = progress.reporter("templify")
        defer { reporter.finish() }
        let summary = try Templify.run(store: store, run: runId, seed: seed, replace: replace, progress: reporter.report)
        reporter.finish()
        let modes = summary.modes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("run \(summary.run), seed \(summary.seed): \(summary.chains) chains → \(summary.written) texts written, \(summary.kept) kept"
            + (summary.replaced > 0 ? ", \(summary.replaced) replaced" : ""))
        print("modes: \(modes.isEmpty ? "none" : modes); inverted \(summary.inverted)")
        if summary.templatesAdded > 0 { print("templates loaded: \(summary.templatesAdded) new") }
        printError(String(format: "templify: %.2f s, %.0f texts/s, %.1f MB/s of text", summary.seconds,
                          Double(summary.chains) / max(summary.seconds, 1e-9),
                          Double(summary.characters) / 1e6 / max(summary.seconds, 1e-9)))
    }
}

struct TemplifyShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one augmented text with its lineage: raw texts, pairs, templates, and a rebuild check.",
        discussion: "Example: ipt templify show 17 --db corpus.db")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The augmented text's id.")
    var id: Int64

    @Flag(help: "Print only the text.")
    var textOnly = false

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        try store.read { db in
            let row = try TemplifyRepository.augmentedText(id: id, in: db)
            if textOnly {
                print(row.text)
                return
            }
            // A row whose pairs changed so that it no longer renders as one text cannot match.
            var rebuiltText: String?
            do {
                rebuiltText = try TemplifyRepository.rebuild(row, in: db).text
            } catch TemplateError.rebuildMismatch {
                rebuiltText = nil
            }
            print("augmented text \(row.id): run \(row.runId), seed \(row.seed), chain of request \(row.firstRequestId), part \(row.part)")
            let frame = [row.inverted ? "inverted" : nil, row.bareText ? "bare text" : nil, row.noHeader ? "no header" : nil,
                         row.hiddenOptions ? "options hidden" : nil].compactMap { $0 }
            print("mode: \(row.mode)\(frame.isEmpty ? "" : ", " + frame.joined(separator: ", ")); \(row.text.utf8.count) bytes")
            print("rebuild from row: \(rebuiltText == row.text ? "identical" : "DIFFERENT (the row, its pairs or templates changed)")")
            let lineage = try TemplifyRepository.lineage(of: row, in: db)
            print("\nraw texts:")
            var rawTexts = TextTable(columns: ["position", "raw_text_id", "external_id", "chars", "start"])
            for raw in lineage.rawTexts {
                rawTexts.append([String(raw.position), String(raw.id), raw.externalId ?? "", String(raw.charCount), oneLine(raw.text)])
            }
            print(rawTexts.render())
            print("\npairs:")
            var pairs = TextTable(columns: ["pair_id", "raw_text_id", "kind", "question", "answer"])
            for pair in lineage.pairs {
                pairs.append([String(pair.id), String(pair.rawTextId), pair.kind, oneLine(pair.question), oneLine(pair.answer)])
            }
            print(pairs.render())
            print("\ntemplates (in order of use):")
            var templates = TextTable(columns: ["id", "family", "name", "version"])
            for template in lineage.templates {
                templates.append([String(template.id), template.family.rawValue, template.name, String(template.version)])
            }
            print(templates.render())
            print("\noption orders: \(row.optionOrders)")
            print("\ntext:\n\(row.text)")
        }
    }
}
