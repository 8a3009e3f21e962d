import Foundation
import GRDB
import Store

/// Runs a trainer to its configured step count inside a recorded `training_runs` row: every
/// step's metrics go to `train_metrics`, every checkpoint (each `checkpointEvery` steps and at
/// the end) to `<out>/step-NNNNNN` and `checkpoints`.
///
///     let loop = TrainingLoop(store: store, runId: runId, outDirectory: "runs/a")
///     try loop.run(trainer) { metrics, eta in print(metrics.loss, eta) }
public struct TrainingLoop {
    public var store: Store
    public var runId: Int64
    public var outDirectory: String

    public init(store: Store, runId: Int64, outDirectory: String) {
        self.store = store
        self.runId = runId
        self.outDirectory = outDirectory
    }

    /// `progress` gets each step's metrics and the estimated seconds left.
    public func run(_ trainer: Trainer, progress: (StepMetrics, Double) -> Void = { _, _ in }) throws {
        let config = trainer.config
        let firstStep = trainer.stepCount
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            while trainer.stepCount < config.steps {
                let metrics = try trainer.step()
                try store.write { db in try TrainingRepository.insertMetrics(metrics, runId: runId, in: db) }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let done = trainer.stepCount - firstStep
                progress(metrics, elapsed / Double(done) * Double(config.steps - trainer.stepCount))
                let due = config.checkpointEvery > 0 && trainer.stepCount % config.checkpointEvery == 0
                if due || trainer.stepCount == config.steps { try checkpoint(trainer) }
            }
            try store.write { db in try TrainingRepository.finishRun(id: runId, status: "done", in: db) }
        } catch {
            try? store.write { db in try TrainingRepository.finishRun(id: runId, status: "failed", in: db) }
            throw error
        }
    }

    /// Writes and records the current step's checkpoint; returns its directory.
    @discardableResult
    public func checkpoint(_ trainer: Trainer) throws -> String {
        let directory = URL(fileURLWithPath: outDirectory).standardizedFileURL.path + "/" + Checkpoint.directoryName(step: trainer.stepCount)
        let sha = try trainer.checkpoint(to: directory)
        try store.write { db in
            _ = try TrainingRepository.insertCheckpoint(runId: runId, step: trainer.stepCount, path: directory, sha256: sha, in: db)
        }
        return directory
    }
}
