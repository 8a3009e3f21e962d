import ArgumentParser
import Foundation
import Model

@main
struct IPT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipt",
        abstract: "InstructPT: a data platform for Instruction Pre-Training.",
        discussion: """
            Raw corpora are augmented with instruction–response pairs, turned into pre-training \
            text, mixed, and used to train and evaluate language models. Everything lives in one \
            SQLite database (--db, default ./instructpt.db) that you can query with `ipt sql` or sqlite3.

            Start with `ipt demo`. The method, stage by stage: ipt ingest → ipt tokenizer train → \
            ipt synth run → ipt templify → ipt mix create → ipt snapshot create → ipt train → \
            ipt eval → ipt report.
            """,
        subcommands: [
            DemoCommand.self, InitCommand.self, IngestCommand.self, StatsCommand.self, SearchCommand.self,
            QueryCommand.self, SQLCommand.self, ExportCommand.self, TokenizerCommand.self, SynthCommand.self,
            TemplifyCommand.self, TemplatesCommand.self, IngestInstructionsCommand.self, MixCommand.self,
            SnapshotCommand.self, TrainCommand.self, ModelCommand.self, EvalCommand.self, ReportCommand.self,
            BenchCommand.self,
        ])

    /// Parses, then runs. A wrong command line (parsing or `validate()`) is answered with the
    /// error and the usage. A command that fails while running prints its error alone: the
    /// command line was fine, yet argument-parser would add the usage to a `ValidationError`
    /// thrown from `run()`, so those are printed here; every other error (help requests, exit
    /// codes, typed errors) goes the usual way, which prints no usage for them.
    static func main() {
        restartWithFasterBLASKernels()
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch let error as ValidationError {
            printError("Error: " + error.message)
            Foundation.exit(EXIT_FAILURE)
        } catch {
            exit(withError: error)
        }
    }
}

/// Starts `ipt` again, same arguments, with OpenBLAS told the kernels this CPU runs where it
/// fell back to generic ones (see `BLASCoreType`). If the restart fails, `ipt` goes on as it is.
private func restartWithFasterBLASKernels() {
    guard let coreType = BLASCoreType.replacementForFallback() else { return }
    setenv("OPENBLAS_CORETYPE", coreType, 1)
    var arguments = CommandLine.arguments.map { strdup($0) }
    arguments.append(nil)
    execv("/proc/self/exe", arguments)
}

/// The `--db PATH` option every command takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The InstructPT database file.", valueName: "path"))
    var db = "./instructpt.db"
}
