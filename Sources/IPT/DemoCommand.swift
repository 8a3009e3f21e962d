import ArgumentParser
import Demo

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the paper's experiment end to end on a generated world whose every fact is known.",
        discussion: """
            A seeded world of people (city, profession, instrument, pet, birth year, favourite \
            colour), each described in several rewrites, goes through the whole method. Vanilla \
            (raw texts) is pre-trained first. An instruction synthesizer is trained from scratch on \
            context-based tasks (texts about other names, each with questions in several forms) \
            in lessons — texts of one or two facts (its answers weighing 20 in the loss), then of \
            up to six; below 99% on a reading check of fresh texts the whole curriculum starts \
            again from fresh weights (at most twice; never with --quick), and the best reader is \
            kept — and writes instruction–response pairs (two rounds, questions sampled at \
            temperature 0.7, answers read greedily) for a second group's texts through the work \
            queue; every synthesized pair is checked against the world's truth. The pairs are \
            templified, and Mix (raw \
            texts + the tuning collection), Instruct (augmented texts + the raw texts of a third \
            group + the tuning collection) and Instruct with the rule-based miner's pairs are \
            pre-trained at Vanilla's token budget. Each model is asked multiple-choice questions about the \
            third group, whose facts every model saw only as raw text, in a wording no training \
            text uses — then briefly instruction-tuned on questions about the second group and \
            asked again.

            Each step is printed as the `ipt` command it runs, so any of it can be repeated by hand. \
            Everything stays in DIR/demo.db; DIR/report holds the report and the comparison, and \
            DIR/results.json the comparison's figures (from the stored eval_scores and eval_results). \
            With --training-seeds N every mixture is pre-trained N times, with training seeds SEED, \
            SEED+1, …: each question then scores the share of the runs that answered it, and every \
            run is listed too. --quick runs Vanilla and Instruct only, smaller and with half the \
            pre-training batch, without the tuning follow-up.
            """)

    @Option(help: ArgumentHelp("Directory for the demo's database, models and report (recreated).", valueName: "dir"))
    var out = "./instructpt-demo"

    @Option(help: "Seed of the world, the synthesis, templify, data order and initialisation.")
    var seed: UInt64 = 7

    @Option(help: "Pre-training steps per model (default 1300, or 700 with --quick).")
    var steps: Int?

    @Option(help: "Steps of the synthesizer's last lesson, on texts of up to six facts (default 800, or 400 with --quick).")
    var synthesizerSteps: Int?

    @Option(help: "Scale every group of people by this factor (e.g. 0.25 for a test-sized run).")
    var scale: Double = 1

    @Option(help: ArgumentHelp("Pre-train every mixture this many times, with training seeds SEED, SEED+1, …; the comparison pools their QA runs and lists each. Each run more adds about 170 s per mixture, 40 s with --quick.", valueName: "n"))
    var trainingSeeds = 1

    @Flag(help: "A smaller run (Vanilla and Instruct only) that finishes in a few minutes.")
    var quick = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if let synthesizerSteps, synthesizerSteps < 1 { throw ValidationError("--synthesizer-steps must be at least 1") }
        guard scale > 0, scale <= 10 else { throw ValidationError("--scale must be in (0, 10]") }
        guard (1...10).contains(trainingSeeds) else { throw ValidationError("--training-seeds must be between 1 and 10") }
    }

    /// The recipe the flags ask for: full or quick, with their overrides.
    var recipe: DemoRecipe {
        var recipe = quick ? DemoRecipe.quick : DemoRecipe.full
        recipe.adjust(pretrainSteps: steps, lastLessonSteps: synthesizerSteps, scale: scale, trainingSeeds: trainingSeeds)
        return recipe
    }

    func run() throws {
        try DemoRun(directory: out, seed: seed, recipe: recipe, runCommand: Self.runInProcess).run()
    }

    /// Parses and runs one `ipt` command line in this process.
    static func runInProcess(_ arguments: [String]) throws {
        var command = try IPT.parseAsRoot(arguments)
        try command.run()
    }
}
