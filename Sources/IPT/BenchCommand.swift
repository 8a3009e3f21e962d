import ArgumentParser
import Corpus

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of a pipeline stage (compare with ../shared/bench peers).",
        subcommands: [BenchIngestCommand.self, BenchTemplifyCommand.self])
}

struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest a JSONL file into a fresh database several times; print MB/s as JSON.",
        discussion: "Each run uses a new temporary database (dedup + FTS5 index included); the median is reported.")

    @Argument(help: "A JSONL corpus file.")
    var file: String

    @Option(help: "How many runs.")
    var runs = 3

    func run() throws {
        print(try IngestBenchmark(file: file, runs: runs).run(log: printError))
    }
}
