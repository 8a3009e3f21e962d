import ArgumentParser
import Foundation
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
        let summary = try progress.showing("templify") { onProgress in
            try Templify.run(store: store, run: runId, seed: seed, replace: replace, progress: onProgress)
        }
        summary.lines.forEach { print($0) }
        printError(summary.speed)
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
            print(try TemplifyRepository.lineage(of: row, in: db).report)
        }
    }
}
