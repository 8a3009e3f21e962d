import Foundation
import GRDB
import Store

/// Runs a trainer to its configured step count inside a recorded `training_runs` row: every
/// step's metrics go to `train_metrics`, every checkpoint (each `checkpointEvery` steps and at
/// the end) to `<out>/step-NNNNNN` and `checkpoints`; with `heldOut` data and
/// `evalEvery`, the held-out loss every that many steps (and at the end) to `eval_loss`.
///
///     let loop = TrainingLoop(store: store, runId: runId, outDirectory: "runs/a")
///     try loop.run(trainer) { metrics, eta in print(metrics.loss, eta) }
public struct TrainingLoop {
    public var store: Store
    public var runId: Int64
    public var outDirectory: String
    /// Sequences the held-out loss is measured on (nil: none measured).
    public var heldOut: TrainingData?

    public init(store: Store, runId: Int64, outDirectory: String) {
        self.store = store
        self.runId = runId
        self.outDirectory = outDirectory
    }

    /// Trains up to step `stopAt` (default: the config's `steps`, the schedule's length);
    /// `progress` gets each step's metrics and the estimated seconds left.
    public func run(_ trainer: Trainer, stopAt: Int? = nil, progress: (StepMetrics, Double) -> Void = { _, _ in }) throws {
        let config = trainer.config
        let last = min(stopAt ?? config.steps, config.steps)
        let firstStep = trainer.stepCount
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            while trainer.stepCount < last {
                var metrics = try trainer.step()
                if let heldOut, config.evalEvery > 0, trainer.stepCount % config.evalEvery == 0 || trainer.stepCount == last {
                    metrics.evalLoss = try trainer.heldOutLoss(on: heldOut)
                }
                try store.write { db in try TrainingRepository.insertMetrics(metrics, runId: runId, in: db) }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let done = trainer.stepCount - firstStep
                progress(metrics, elapsed / Double(done) * Double(last - trainer.stepCount))
                let due = config.checkpointEvery > 0 && trainer.stepCount % config.checkpointEvery == 0
                if due || trainer.stepCount == last { try checkpoint(trainer) }
            }
            // A run stopped early (stopAt) is still complete as far as this invocation goes.
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
