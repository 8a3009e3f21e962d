import ArgumentParser

@main
struct IPT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipt",
        abstract: "InstructPT: a data platform for Instruction Pre-Training.",
        discussion: """
            Raw corpora are augmented with instruction–response pairs, turned into pre-training \
            text, mixed, and used to train and evaluate language models. Everything lives in one \
            SQLite database (--db, default ./instructpt.db) that you can query with `ipt sql` or sqlite3.

            Start with `ipt demo`, or: ipt init → ipt ingest FILES → ipt stats → ipt search WORDS.
            """,
        subcommands: [
            InitCommand.self, IngestCommand.self, StatsCommand.self, SearchCommand.self,
            ExportCommand.self, QueryCommand.self, SQLCommand.self, DemoCommand.self, BenchCommand.self,
            ModelCommand.self,
            SynthCommand.self,
            TokenizerCommand.self,
            IngestInstructionsCommand.self, MixCommand.self, SnapshotCommand.self, TrainCommand.self,
            EvalCommand.self, ReportCommand.self,
        ])
}

/// The `--db PATH` option every command takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The InstructPT database file.", valueName: "path"))
    var db = "./instructpt.db"
}
