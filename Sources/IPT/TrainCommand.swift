import ArgumentParser
import Foundation
import Mixing
import Model
import ProgressReporting
import Store
import Tokenization
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
            train_metrics; checkpoints (config.json + model.safetensors + the data's tokenizer.json + \
            optimizer and data state, written atomically, sha256 in `checkpoints`) go to --out/step-NNNNNN every \
            --checkpoint-every steps and at the end. --resume CKPT continues a run exactly: the \
            weights at step n are bit-identical to an uninterrupted run.

            --config is tiny, small or a JSON file of TrainConfig fields (e.g. {"base": "tiny", \
            "learningRate": 0.001, "batchSize": 4}); the sequence length always comes from the data.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "pretrain or synthesizer.")
    var mode: String = "pretrain"

    @Option(help: "Snapshot id to pre-train on (pretrain mode).")
    var snapshot: Int64?

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

    @Option(help: "Run seed: initialisation and data order.")
    var seed: Int64 = 0

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

    @Option(help: "Checkpoint every N steps (0: only at the end).")
    var checkpointEvery: Int?

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        guard mode == "pretrain" || mode == "synthesizer" else { throw ValidationError("--mode is pretrain or synthesizer") }
        if mode == "pretrain" && snapshot == nil { throw ValidationError("pretrain mode needs --snapshot ID") }
        if mode == "synthesizer" && (instructions == nil || tokenizer == nil) {
            throw ValidationError("synthesizer mode needs --instructions SET and --tokenizer T")
        }
        if steps < 1 { throw ValidationError("--steps must be positive") }
        if let stopAt, stopAt < 1 || stopAt > steps { throw ValidationError("--stop-at must be in 1...--steps") }
        if resume != nil && initModel != nil { throw ValidationError("--resume and --init-model exclude each other") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        try reportStaleState(store: store)
        var trainConfig = try TrainConfig.load(nameOrPath: config)
        trainConfig.steps = steps
        if let batchSize { trainConfig.batchSize = batchSize }
        if let accumulation { trainConfig.gradientAccumulation = accumulation }
        if let lr { trainConfig.learningRate = lr }
        if let warmup { trainConfig.warmupSteps = warmup }
        if let checkpointEvery { trainConfig.checkpointEvery = checkpointEvery }

        let data: TrainingData
        var instructionSetId: Int64?
        var tokenizerJSON: Data?
        if mode == "pretrain", let snapshot {
            try LegacyTokenBlobs.moveToShards(store: store, shards: try ShardStore(databasePath: database.db, directory: shardDirectoryFromEnvironment()))
            let record = try store.read { db in try MixingRepository.snapshot(id: snapshot, in: db) }
            data = try ShardedSnapshotData(shards: try Snapshot.shards(store: store, id: snapshot), identity: record.manifestSHA256)
            try checkVocabulary(record.vocabSize, trainConfig.vocabSize)
            tokenizerJSON = try storedTokenizerJSON(name: record.tokenizer, sha256: record.tokenizerSHA256, store: store)
        } else {
            let (setId, examples, tok) = try store.read { db in
                let (setId, examples) = try MixingRepository.examples(setName: instructions ?? "", in: db)
                return (setId, examples, try StoredTokenizer.load(name: tokenizer ?? "", in: db))
            }
            instructionSetId = setId
            let contexts = examples.compactMap { entry -> (context: String, pairs: [QAPair])? in
                if case .context(let context, let pairs) = entry.example { return (context, pairs) }
                return nil
            }
            guard !contexts.isEmpty else { throw ValidationError("instruction set \(instructions ?? "") holds no context-based examples") }
            let setIdentity = examples.map { $0.example.canonicalJSON }.joined(separator: "\n")
            let packed = try SynthesizerExamples.pack(examples: contexts, setIdentity: Snapshot.textSHA256(setIdentity), tokenizer: tok,
                                                      sequenceLength: seqLen, seed: UInt64(bitPattern: seed))
            if packed.droppedExamples > 0 { printError("\(packed.droppedExamples) examples longer than \(seqLen) tokens left out") }
            try checkVocabulary(tok.vocabSize, trainConfig.vocabSize)
            data = packed
            tokenizerJSON = try storedTokenizerJSON(name: tok.name, sha256: tok.identity, store: store)
        }
        trainConfig.sequenceLength = data.sequenceLength

        let trainer: Trainer
        var resumedFrom: Int64?
        if let resume {
            let path = URL(fileURLWithPath: resume).standardizedFileURL.path
            let recorded = try store.read { db in try TrainingRepository.checkpoint(path: path, in: db) }
            let checkpoint = try Checkpoint.load(directory: path, expectedSHA256: recorded?.sha256)
            trainConfig.adopt(checkpoint.model.config, name: checkpoint.state.config.modelName)
            trainer = try Trainer(resuming: checkpoint, config: trainConfig, data: data)
            resumedFrom = recorded?.id
            printError("resuming from \(path) at step \(trainer.stepCount)\(recorded == nil ? " (not recorded in this database; verified against its SHA256SUMS)" : "")")
        } else {
            var initial: DecoderModel?
            if let initModel {
                initial = try DecoderModel.load(directory: initModel)
                if let model = initial { trainConfig.adopt(model.config, name: initModel) }
            }
            trainer = try Trainer(config: trainConfig, data: data, seed: UInt64(bitPattern: seed), initialModel: initial)
        }
        trainer.tokenizerJSON = tokenizerJSON
        var run = TrainingRunRecord(snapshotId: mode == "pretrain" ? snapshot : nil, instructionSetId: instructionSetId, mode: mode,
                                    configJSON: trainer.config.jsonString(), seed: Int64(bitPattern: trainer.seed), outDir: out, resumedFrom: resumedFrom)
        try store.write { db in try TrainingRepository.insertRun(&run, in: db) }
        let runId = run.id ?? 0
        printError("run \(runId): \(mode), \(data.sequenceCount) sequences of \(data.sequenceLength), \(trainConfig.tokensPerStep) tokens/step, \(trainer.model.layout.totalCount) parameters")
        let loop = TrainingLoop(store: store, runId: runId, outDirectory: out)
        // Training keeps its own progress: one line per step, with loss and learning rate.
        try loop.run(trainer, stopAt: stopAt) { metrics, eta in
            guard !progress.quiet else { return }
            printError(String(format: "step %d/%d  loss %.4f  lr %.2e  norm %.3f  %.0f tok/s  ETA %@", metrics.step, trainConfig.steps, metrics.loss,
                              metrics.learningRate, metrics.gradientNorm, metrics.tokensPerSecond, ProgressText.duration(eta)))
        }
        print("run \(runId) done: \(out)/\(Checkpoint.directoryName(step: trainer.stepCount))")
    }

    /// Runs left `running` by processes that died are marked failed, and the hidden directories
    /// of their interrupted checkpoint writes in --out cleaned up; both are reported.
    func reportStaleState(store: Store) throws {
        for run in try store.write({ db in try TrainingRepository.failAbandonedRuns(in: db) }) {
            printError("run \(run.id) was left running by a process that is gone (\(run.ownerHost ?? "unknown host") pid \(run.ownerPid.map(String.init) ?? "?")); marked failed — resume it from its newest checkpoint in \(run.outDir)")
        }
        for leftover in try Checkpoint.cleanInterruptedWrites(in: out) {
            switch leftover {
            case .removedTemporary(let path): printError("removed \(path), a checkpoint write interrupted by a crash")
            case .restoredPrevious(let path): printError("restored \(path), which an interrupted checkpoint write had moved aside")
            case .removedPrevious(let path): printError("removed \(path), the replaced copy left by an interrupted checkpoint write")
            }
        }
    }

    /// The tokenizer.json stored under `name`, for the checkpoints; nil for the built-in "bytes"
    /// (no tokenizer.json) or when the stored one is no longer the one the data was made with.
    func storedTokenizerJSON(name: String, sha256: String, store: Store) throws -> Data? {
        guard let record = try store.read({ db in try TokenizerRepository.tokenizer(named: name, in: db) }) else { return nil }
        guard record.sha256 == sha256 else {
            printError("tokenizer \(name) changed since the data was tokenized; checkpoints get no tokenizer.json")
            return nil
        }
        return Data(record.json.utf8)
    }

    func checkVocabulary(_ dataVocabulary: Int, _ modelVocabulary: Int) throws {
        if dataVocabulary > modelVocabulary {
            throw TrainingError.vocabularyTooLarge(tokenizerIds: dataVocabulary, modelVocabulary: modelVocabulary)
        }
    }
}
