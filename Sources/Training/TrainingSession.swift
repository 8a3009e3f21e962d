import Foundation
import Mixing
import Model
import Store
import SynthesizerText
import Tokenization

/// What a training run learns: next-token prediction on a snapshot, or the instruction
/// synthesizer's fine-tuning on a context-based instruction set (loss on the pairs).
public enum TrainingMode: String, Sendable, CaseIterable {
    case pretrain, synthesizer
}

/// Everything `ipt train` is asked to do, before anything is loaded.
///
///     var plan = TrainingPlan(mode: .pretrain, config: try TrainConfig.named("tiny"), seed: 1, outDirectory: "runs/a")
///     plan.snapshot = 3
///     let session = try TrainingSession.start(plan, store: store) { print($0) }
public struct TrainingPlan: Sendable {
    public var mode: TrainingMode
    /// The snapshot to pre-train on (pretrain mode).
    public var snapshot: Int64?
    /// The snapshot whose sequences measure the held-out loss every `config.evalEvery` steps.
    public var evalSnapshot: Int64?
    /// The context-based instruction set and the tokenizer that packs it (synthesizer mode).
    public var instructions: String?
    public var tokenizer: String?
    /// The packed sequence length in synthesizer mode (a snapshot brings its own).
    public var synthesizerSequenceLength = 512
    public var config: TrainConfig
    public var seed: Int64
    public var outDirectory: String
    /// A checkpoint directory to continue from, or a model directory to start from.
    public var resume: String?
    public var initModel: String?
    /// Where snapshot shards live (nil: `$IPT_SHARD_DIR`, else beside the database).
    public var shardDirectory: String? = ShardStore.environmentDirectory

    public init(mode: TrainingMode, config: TrainConfig, seed: Int64, outDirectory: String) {
        self.mode = mode
        self.config = config
        self.seed = seed
        self.outDirectory = outDirectory
    }
}

/// A training run set up from a plan: its data assembled, its trainer made (fresh, from a
/// model directory, or resumed exactly from a checkpoint) and its `training_runs` row written.
///
///     let session = try TrainingSession.start(plan, store: store) { note in print(note) }
///     try session.loop.run(session.trainer) { metrics, eta in print(metrics.loss) }
public struct TrainingSession {
    public let trainer: Trainer
    public let data: TrainingData
    public let runId: Int64
    public let loop: TrainingLoop

    /// Sets the run up; `note` gets what a user should know (examples left out, a resume, a
    /// tokenizer that changed since the data was made).
    public static func start(_ plan: TrainingPlan, store: Store, note: (String) -> Void) throws -> TrainingSession {
        var config = plan.config
        let (data, instructionSetId, tokenizerJSON) = try assemble(plan, store: store, modelVocabulary: config.model.vocabSize, note: note)
        config.sequenceLength = data.sequenceLength
        let heldOut = try plan.evalSnapshot.map { try snapshotData(id: $0, store: store, modelVocabulary: config.model.vocabSize).data }

        let trainer: Trainer
        var resumedFrom: Int64?
        if let resume = plan.resume {
            let path = URL(fileURLWithPath: resume).standardizedFileURL.path
            let recorded = try store.read { db in try TrainingRepository.checkpoint(path: path, in: db) }
            let checkpoint = try Checkpoint.load(directory: path, expectedSHA256: recorded?.sha256)
            config.adopt(checkpoint.model.config, name: checkpoint.state.config.modelName)
            trainer = try Trainer(resuming: checkpoint, config: config, data: data)
            resumedFrom = recorded?.id
            note("resuming from \(path) at step \(trainer.stepCount)\(recorded == nil ? " (not recorded in this database; verified against its SHA256SUMS)" : "")")
        } else {
            var initial: DecoderModel?
            if let initModel = plan.initModel {
                let model = try DecoderModel.load(directory: initModel)
                config.adopt(model.config, name: initModel)
                initial = model
            }
            trainer = try Trainer(config: config, data: data, seed: UInt64(bitPattern: plan.seed), initialModel: initial)
        }
        trainer.tokenizerJSON = tokenizerJSON
        var run = TrainingRunRecord(snapshotId: plan.mode == .pretrain ? plan.snapshot : nil, instructionSetId: instructionSetId,
                                    mode: plan.mode.rawValue, configJSON: trainer.config.jsonString(),
                                    seed: Int64(bitPattern: trainer.seed), outDir: plan.outDirectory, resumedFrom: resumedFrom)
        try store.write { db in try TrainingRepository.insertRun(&run, in: db) }
        let runId = run.id ?? 0
        var loop = TrainingLoop(store: store, runId: runId, outDirectory: plan.outDirectory)
        loop.heldOut = heldOut
        return TrainingSession(trainer: trainer, data: data, runId: runId, loop: loop)
    }

    /// Marks failed the runs left `running` by processes that died, and cleans up the hidden
    /// directories of interrupted checkpoint writes in `outDirectory`; returns one line for each.
    public static func cleanUp(store: Store, outDirectory: String) throws -> [String] {
        var notes = try store.write { db in try TrainingRepository.failAbandonedRuns(in: db) }.map { run in
            "run \(run.id) was left running by a process that is gone (\(run.ownerHost ?? "unknown host") pid \(run.ownerPid.map(String.init) ?? "?")); marked failed — resume it from its newest checkpoint in \(run.outDir)"
        }
        for leftover in try Checkpoint.cleanInterruptedWrites(in: outDirectory) {
            switch leftover {
            case .removedTemporary(let path): notes.append("removed \(path), a checkpoint write interrupted by a crash")
            case .restoredPrevious(let path): notes.append("restored \(path), which an interrupted checkpoint write had moved aside")
            case .removedPrevious(let path): notes.append("removed \(path), the replaced copy left by an interrupted checkpoint write")
            }
        }
        return notes
    }

    /// The run's data, the instruction set it came from (synthesizer mode) and the tokenizer.json
    /// its checkpoints carry.
    static func assemble(_ plan: TrainingPlan, store: Store, modelVocabulary: Int,
                         note: (String) -> Void) throws -> (TrainingData, Int64?, Data?) {
        switch plan.mode {
        case .pretrain:
            guard let snapshot = plan.snapshot else { throw TrainingError.noData(reason: "pretrain mode needs a snapshot") }
            try LegacyTokenBlobs.moveToShards(store: store, shards: try ShardStore(databasePath: store.path, directory: plan.shardDirectory))
            let (data, record) = try snapshotData(id: snapshot, store: store, modelVocabulary: modelVocabulary)
            return (data, nil, try tokenizerJSON(name: record.tokenizer, sha256: record.tokenizerSHA256, store: store, note: note))
        case .synthesizer:
            guard let instructions = plan.instructions, let tokenizerName = plan.tokenizer else {
                throw TrainingError.noData(reason: "synthesizer mode needs an instruction set and a tokenizer")
            }
            let (setId, examples, tokenizer) = try store.read { db in
                let (setId, examples) = try MixingRepository.examples(setName: instructions, in: db)
                return (setId, examples, try StoredTokenizer.load(name: tokenizerName, in: db))
            }
            let contexts = examples.compactMap { entry -> (context: String, pairs: [QAPair])? in
                if case .context(let context, let pairs) = entry.example { return (context, pairs) }
                return nil
            }
            guard !contexts.isEmpty else { throw TrainingError.noData(reason: "instruction set \(instructions) holds no context-based examples") }
            let setIdentity = examples.map { $0.example.canonicalJSON }.joined(separator: "\n")
            let L = plan.synthesizerSequenceLength
            let packed = try SynthesizerExamples.pack(examples: contexts, setIdentity: Hex.sha256(setIdentity), tokenizer: tokenizer,
                                                      sequenceLength: L, seed: plan.config.dataOrder(runSeed: UInt64(bitPattern: plan.seed)),
                                                      answerWeight: plan.config.answerLossWeight ?? 1)
            if packed.droppedExamples > 0 { note("\(packed.droppedExamples) examples longer than \(L) tokens left out") }
            try checkVocabulary(tokenizer.vocabSize, modelVocabulary)
            return (packed, setId, try tokenizerJSON(name: tokenizer.name, sha256: tokenizer.identity, store: store, note: note))
        }
    }

    static func snapshotData(id: Int64, store: Store, modelVocabulary: Int) throws -> (data: ShardedSnapshotData, record: SnapshotRecord) {
        let record = try store.read { db in try MixingRepository.snapshot(id: id, in: db) }
        try checkVocabulary(record.vocabSize, modelVocabulary)
        return (try ShardedSnapshotData(shards: try Snapshot.shards(store: store, id: id), identity: record.manifestSHA256), record)
    }

    /// The tokenizer.json stored under `name`, for the checkpoints; nil for the built-in "bytes"
    /// (no tokenizer.json) or when the stored one is no longer the one the data was made with.
    static func tokenizerJSON(name: String, sha256: String, store: Store, note: (String) -> Void) throws -> Data? {
        guard let record = try store.read({ db in try TokenizerRepository.tokenizer(named: name, in: db) }) else { return nil }
        guard record.sha256 == sha256 else {
            note("tokenizer \(name) changed since the data was tokenized; checkpoints get no tokenizer.json")
            return nil
        }
        return Data(record.json.utf8)
    }

    static func checkVocabulary(_ dataVocabulary: Int, _ modelVocabulary: Int) throws(TrainingError) {
        if dataVocabulary > modelVocabulary {
            throw .vocabularyTooLarge(tokenizerIds: dataVocabulary, modelVocabulary: modelVocabulary)
        }
    }
}
