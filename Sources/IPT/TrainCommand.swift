import ArgumentParser
import Foundation
import Store
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a language model from a snapshot (or fine-tune the synthesizer); benchmark training.",
        subcommands: [TrainRunCommand.self, TrainBenchCommand.self],
        defaultSubcommand: TrainRunCommand.self)
}

struct TrainRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train from a snapshot; write checkpoints and metrics (the default of `ipt train`).",
        discussion: """
            Pre-training (--mode pretrain): next-token prediction on every token of the \
            snapshot's packed sequences. Synthesizer fine-tuning (--mode synthesizer): the \
            context-based examples of --instructions SET become one-shot examples in the \
            synthesizer format (<s> <CON> text </CON>, then <QUE> q <ANS> a </END> pairs), several \
            packed per sequence, with the loss on the pairs only; start from a model with --init.

            The loop: batch → forward → backward → clip → AdamW step, learning rate with linear \
            warmup and cosine decay. Each step's loss, lr, grad norm and tokens/s go to \
            train_metrics, and with --eval-snapshot ID the held-out loss on its first sequences every \
            --eval-every steps (nanoGPT's estimate_loss) to train_metrics.eval_loss; checkpoints (config.json + model.safetensors + the data's tokenizer.json + \
            optimizer and data state, written atomically, sha256 in `checkpoints`) go to --out/step-NNNNNN every \
            --checkpoint-every steps and at the end. --resume CKPT continues a run exactly: the \
            weights at step n are bit-identical to an uninterrupted run.

            --config is tiny, small or a JSON file of TrainConfig fields (e.g. {"base": "tiny", \
            "learningRate": 0.001, "batchSize": 4}); the sequence length always comes from the data.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "pretrain or synthesizer.")
    var mode: TrainingMode = .pretrain

    @Option(help: "Snapshot id to pre-train on (pretrain mode).")
    var snapshot: Int64?

    @Option(help: "Snapshot whose sequences measure the held-out loss every --eval-every steps (train_metrics.eval_loss).")
    var evalSnapshot: Int64?

    @Option(help: "Measure the held-out loss every N steps and at the end (needs --eval-snapshot; overrides the config).")
    var evalEvery: Int?

    @Option(help: "Context-based instruction set (synthesizer mode).")
    var instructions: String?

    @Option(help: "Tokenizer for synthesizer mode: a name from `ipt tokenizer` or \"bytes\".")
    var tokenizer: String?

    @Option(help: "Sequence length for synthesizer mode.")
    var seqLen: Int = 512

    @Option(help: "tiny, small, or a JSON config file.")
    var config: String = "tiny"

    @Option(help: "Optimizer steps to reach (counting steps before a resume).")
    var steps: Int

    @Option(help: "Stop after this step (checkpointing it) although the schedule runs to --steps; continue later with --resume.")
    var stopAt: Int?

    @Option(help: "Run seed: initialisation, and the data order unless --data-order-seed is given.")
    var seed: Int64 = 0

    @Option(help: "Seed of the data order alone (overrides the config's dataOrderSeed; default: --seed). Runs with the same value and another --seed start from other weights on the same data order.")
    var dataOrderSeed: Int64?

    @Option(help: ArgumentHelp("Directory for checkpoints.", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Checkpoint directory to continue from.", valueName: "dir"))
    var resume: String?

    @Option(help: ArgumentHelp("Start from this model directory instead of random weights.", valueName: "dir"))
    var initModel: String?

    @Option(help: "Sequences per micro-batch (overrides the config).")
    var batchSize: Int?

    @Option(help: "Micro-batches per optimizer step (overrides the config).")
    var accumulation: Int?

    @Option(help: "Peak learning rate (overrides the config).")
    var lr: Float?

    @Option(help: "Warmup steps (overrides the config).")
    var warmup: Int?

    @Option(help: "Synthesizer mode: loss weight of the answers' tokens relative to the rest of the pairs (overrides the config's answerLossWeight; default 1).")
    var answerWeight: Float?

    @Option(help: "Checkpoint every N steps (0: only at the end).")
    var checkpointEvery: Int?

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if mode == .pretrain && snapshot == nil { throw ValidationError("pretrain mode needs --snapshot ID") }
        if mode == .synthesizer && (instructions == nil || tokenizer == nil) {
            throw ValidationError("synthesizer mode needs --instructions SET and --tokenizer T")
        }
        if steps < 1 { throw ValidationError("--steps must be positive") }
        if let stopAt, stopAt < 1 || stopAt > steps { throw ValidationError("--stop-at must be in 1...--steps") }
        if resume != nil && initModel != nil { throw ValidationError("--resume and --init-model exclude each other") }
        if evalEvery != nil && evalSnapshot == nil { throw ValidationError("--eval-every needs --eval-snapshot ID") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        for note in try TrainingSession.cleanUp(store: store, outDirectory: out) { printError(note) }
        var config = try TrainConfig.load(nameOrPath: self.config)
        config.steps = steps
        if let batchSize { config.batchSize = batchSize }
        if let accumulation { config.gradientAccumulation = accumulation }
        if let lr { config.learningRate = lr }
        if let warmup { config.warmupSteps = warmup }
        if let answerWeight { config.answerLossWeight = answerWeight }
        if let checkpointEvery { config.checkpointEvery = checkpointEvery }
        if let evalEvery { config.evalEvery = evalEvery }
        if let dataOrderSeed { config.dataOrderSeed = dataOrderSeed }
        var plan = TrainingPlan(mode: mode, config: config, seed: seed, outDirectory: out)
        plan.snapshot = snapshot
        plan.evalSnapshot = evalSnapshot
        plan.instructions = instructions
        plan.tokenizer = tokenizer
        plan.synthesizerSequenceLength = seqLen
        plan.resume = resume
        plan.initModel = initModel
        let session = try TrainingSession.start(plan, store: store, note: printError)
        let trainer = session.trainer
        printError("run \(session.runId): \(mode), \(session.data.sequenceCount) sequences of \(session.data.sequenceLength), \(trainer.config.tokensPerStep) tokens/step, \(trainer.model.layout.totalCount) parameters")
        // Training keeps its own progress: one line per step, with loss and learning rate.
        try session.loop.run(trainer, stopAt: stopAt) { metrics, eta in
            if !progress.quiet { printError(metrics.line(steps: steps, eta: eta)) }
        }
        print("run \(session.runId) done: \(out)/\(Checkpoint.directoryName(step: trainer.stepCount))")
    }
}

extension TrainingMode: ExpressibleByArgument {}
