import ArgumentParser
import DemoWorld
import Foundation
import GRDB
import JSONLines
import Store

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole method end to end on a generated corpus with known facts.",
        discussion: """
            A seeded synthetic world of people (city, profession, instrument, pet, birth year, \
            favourite colour), each described in varied prose, goes through every stage: ingest, \
            tokenizer training, instruction synthesis (the rule-based miner), templify, two \
            mixtures with the same token budget — Vanilla (raw texts only) and Instruct (augmented \
            texts, plus raw texts for the people held out for evaluation) — pre-training of a tiny \
            model on each, and a multiple-choice evaluation on questions about the held-out people, \
            whose facts the models saw only as raw text. Each step is printed as the `ipt` command \
            it runs, so you can repeat any of it by hand. Everything stays in DIR/demo.db.
            """)

    @Option(help: ArgumentHelp("Directory for the demo's database, models and report (recreated).", valueName: "dir"))
    var out = "./instructpt-demo"

    @Option(help: "Seed of the world, the synthesis, templify, data order and initialisation.")
    var seed: UInt64 = 7

    @Option(help: "People in the world (default 1000, or 300 with --quick).")
    var people: Int?

    @Option(help: "Optimizer steps per model (default 200, or 40 with --quick).")
    var steps: Int?

    @Flag(help: "A small run that finishes in a few minutes.")
    var quick = false

    func validate() throws {
        if let people, people < 20 { throw ValidationError("--people must be at least 20") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    func run() throws {
        let demo = try DemoRun(directory: out, seed: seed, people: people ?? (quick ? 300 : 1000), steps: steps ?? (quick ? 40 : 200))
        try demo.run()
    }
}

/// The demo's steps, each an `ipt` command run in this process and echoed for the reader.
struct DemoRun {
    let directory: String
    let seed: UInt64
    let peopleCount: Int
    let steps: Int
    var db: String { directory + "/demo.db" }

    /// Marks a directory as the demo's own, so that recreating it never deletes anything else.
    static let marker = ".instructpt-demo"

    init(directory: String, seed: UInt64, people: Int, steps: Int) throws {
        self.directory = directory
        self.seed = seed
        self.peopleCount = people
        self.steps = steps
        let manager = FileManager.default
        if manager.fileExists(atPath: directory) {
            guard manager.fileExists(atPath: directory + "/" + Self.marker) else {
                throw ValidationError("\(directory) exists and was not made by `ipt demo`; choose another --out")
            }
            try manager.removeItem(atPath: directory)
        }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        manager.createFile(atPath: directory + "/" + Self.marker, contents: Data())
    }

    func run() throws {
        let started = Date()
        // The world: 70% of the people are described for pre-training with augmentation, 20% are
        // asked about at evaluation (seen only as raw text), 10% are held out for perplexity.
        let world = DemoWorld(seed: seed, people: peopleCount)
        let documents = world.documents()
        let trainCount = peopleCount * 7 / 10
        let evalCount = peopleCount * 2 / 10
        let evalPeople = world.people[trainCount..<(trainCount + evalCount)]
        try writeCorpus(documents[..<trainCount], to: "people.jsonl")
        try writeCorpus(documents[trainCount..<(trainCount + evalCount)], to: "eval-people.jsonl")
        try writeCorpus(documents[(trainCount + evalCount)...], to: "heldout-people.jsonl")
        try writeTask(world.evaluationItems(for: evalPeople, choices: 4), to: "facts.jsonl")
        section("1. a world of \(peopleCount) people (seed \(seed)); e.g.")
        print("   \(documents[0].text)")

        section("2. ingest: raw texts into one SQLite database")
        try ipt("ingest", file("people.jsonl"), "--source", "people", "--db", db)
        try ipt("ingest", file("eval-people.jsonl"), "--source", "eval-people", "--db", db)
        try ipt("ingest", file("heldout-people.jsonl"), "--source", "heldout-people", "--split", "heldout", "--db", db)

        section("3. a byte-level BPE tokenizer trained on the corpus")
        try ipt("tokenizer", "train", "--vocab-size", "4096", "--name", "demo", "--split", "train",
                "--out", file("tokenizer.json"), "--db", db)

        section("4. instruction synthesis: the rule-based miner, two rounds, on the people texts")
        try ipt("synth", "run", "--backend", "miner", "--rounds", "2", "--max-model-len", "2048",
                "--max-new-tokens", "400", "--seed", "\(seed)", "--source", "people", "--db", db)
        let synthRun = try scalar("SELECT max(id) FROM synth_runs")
        try ipt("synth", "status", "--run", "\(synthRun)", "--db", db)

        section("5. templify: chains of texts and pairs become instruction-augmented pre-training text")
        try ipt("templify", "run", "--run", "\(synthRun)", "--db", db)
        let example = try scalar("SELECT min(id) FROM augmented_texts WHERE run_id = \(synthRun)")
        try ipt("templify", "show", "\(example)", "--text-only", "--db", db)

        section("6. two mixtures, two snapshots")
        try ipt("mix", "create", "vanilla", "--component", "raw:split=train", "--db", db)
        try ipt("mix", "create", "instruct", "--component", "augmented:run=\(synthRun)",
                "--component", "raw:source=eval-people", "--db", db)
        for mixture in ["vanilla", "instruct"] {
            try ipt("snapshot", "create", "--mixture", mixture, "--tokenizer", "demo", "--seq-len", "256",
                    "--seed", "\(seed)", "--db", db)
        }
        try ipt("sql", "SELECT s.id, m.name AS mixture, s.item_count, s.token_count, s.sequence_count, substr(s.manifest_sha256, 1, 16) AS manifest FROM snapshots s JOIN mixtures m ON m.id = s.mixture_id ORDER BY s.id", "--db", db)

        section("7. pre-train a tiny model on each: \(steps) steps × 8 × 256 tokens = the same token budget")
        var checkpoints: [(name: String, id: Int64)] = []
        for mixture in ["vanilla", "instruct"] {
            let snapshot = try scalar("SELECT max(s.id) FROM snapshots s JOIN mixtures m ON m.id = s.mixture_id WHERE m.name = '\(mixture)'")
            try ipt("train", "--snapshot", "\(snapshot)", "--config", "tiny", "--steps", "\(steps)", "--seed", "\(seed)",
                    "--out", file("models/\(mixture)"), "--db", db)
            let run = try scalar("SELECT max(id) FROM training_runs")
            checkpoints.append((mixture, try scalar("SELECT id FROM checkpoints WHERE run_id = \(run) ORDER BY step DESC LIMIT 1")))
        }

        section("8. evaluate both on questions about people seen only as raw text")
        try ipt("eval", "import", file("facts.jsonl"), "--name", "demo-facts", "--db", db)
        for checkpoint in checkpoints {
            try ipt("eval", "--checkpoint", "\(checkpoint.id)", "--task", "demo-facts", "--db", db)
            try ipt("eval", "perplexity", "--checkpoint", "\(checkpoint.id)", "--db", db)
        }

        section("9. the comparison and the report")
        try ipt("sql", """
            SELECT m.name AS mixture, r.task_id, s.metric, round(s.value, 4) AS value, round(s.stderr, 4) AS stderr
            FROM eval_scores s
            JOIN eval_runs r ON r.id = s.run_id
            JOIN checkpoints c ON c.id = r.checkpoint_id
            JOIN training_runs t ON t.id = c.run_id
            JOIN snapshots sn ON sn.id = t.snapshot_id
            JOIN mixtures m ON m.id = sn.mixture_id
            ORDER BY s.metric, m.name
            """, "--db", db)
        try ipt("report", "--out", file("report"), "--db", db)
        print(String(format: "\ndone in %.0f s. Everything above is in %@: try `ipt stats --db %@`.", Date().timeIntervalSince(started), db, db))
    }

    private func file(_ name: String) -> String {
        directory + "/" + name
    }

    private func section(_ title: String) {
        print("\n== \(title)")
    }

    /// Runs one `ipt` command in this process, after printing it the way a user would type it.
    private func ipt(_ arguments: String...) throws {
        let shown = arguments.map { $0.contains(where: { " \n\"'".contains($0) }) ? "'\($0.replacingOccurrences(of: "\n", with: " "))'" : $0 }
        print("$ ipt " + shown.joined(separator: " "))
        var command = try IPT.parseAsRoot(arguments)
        try command.run()
    }

    private func scalar(_ sql: String) throws -> Int64 {
        let store = try Store.open(path: db, mode: .readOnly)
        guard let value = try store.read({ db in try Int64.fetchOne(db, sql: sql) }) else {
            throw ValidationError("the demo expected a row for: \(sql)")
        }
        return value
    }

    private func writeCorpus(_ documents: ArraySlice<DemoDocument>, to name: String) throws {
        let writer = try LineWriter(path: file(name))
        for document in documents {
            var line = JSONWriter()
            line.object { o in
                o.member("id") { $0.string(document.id) }
                o.member("text") { $0.string(document.text) }
            }
            try writer.write(line: line.bytes)
        }
        try writer.close()
    }

    private func writeTask(_ items: [EvaluationItem], to name: String) throws {
        let writer = try LineWriter(path: file(name))
        for item in items {
            var line = JSONWriter()
            line.object { o in
                o.member("context") { $0.string(item.context) }
                o.member("choices") { json in json.array { a in for choice in item.choices { a.element { $0.string(choice) } } } }
                o.member("gold") { $0.integer(item.gold) }
            }
            try writer.write(line: line.bytes)
        }
        try writer.close()
    }
}
