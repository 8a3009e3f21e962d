import ArgumentParser
import Foundation
import Mixing
import Store

struct IngestInstructionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-instructions",
        abstract: "Add a named set of instruction data from a JSONL file.",
        discussion: """
            Each line is a general instruction–response pair {"instruction": …, "response": …} \
            or context-based task data in the synthesizer's shape {"context": …, "pairs": \
            [{"Q": …, "A": …}, …]}; one file holds one kind. The file is one transaction: a bad \
            line (malformed JSON, missing, empty or non-string field, invalid UTF-8) stops the \
            command and nothing is added, unless --skip-invalid skips and reports bad lines. \
            Examples repeated within the set are stored once.

            Use a set in a mixture (`ipt mix create … --component instructions:set=NAME`) or to \
            fine-tune the synthesizer (`ipt train --mode synthesizer --instructions NAME`).
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The JSONL file.", valueName: "file.jsonl"))
    var path: String

    @Option(help: "Name of the new instruction set.")
    var name: String

    @Flag(help: "Skip and report bad lines instead of adding nothing.")
    var skipInvalid = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if name.isEmpty { throw ValidationError("--name must not be empty") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        let summary = try progress.showing("ingest-instructions") { onProgress in
            try InstructionIngester(store: store, skipInvalid: skipInvalid).ingest(path: path, name: name, progress: onProgress)
        }
        for error in summary.skipped { printError("skipped: \(error.localizedDescription)") }
        print("instruction set \(name) (id \(summary.setId), \(summary.kind.rawValue)): \(summary.added) examples added, \(summary.duplicates) duplicates, \(summary.skipped.count) lines skipped")
    }
}
