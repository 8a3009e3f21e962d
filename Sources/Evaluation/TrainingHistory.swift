import GRDB

/// What the report needs from the Training stage's tables, read only if they exist:
/// loss curves from `train_metrics` and each checkpoint's step from `checkpoints`. Columns
/// are found by name so evaluation reports work on databases with or without training.
///
///     let curves = try TrainingHistory.lossCurves(in: db)      // [] before any training
///     let positions = try TrainingHistory.checkpointPositions(in: db)  // checkpoint id → run, step
public enum TrainingHistory {
    /// One training run's loss series by step: `curve.series.map(\.name)` is e.g. ["loss", "eval_loss"].
    public struct LossCurve: Sendable {
        public var runId: Int64
        public var series: [LineChart.Series]
        public var points: [(x: Double, y: Double)] { series.flatMap(\.points) }
    }

    public static func lossCurves(in db: Database) throws -> [LossCurve] {
        guard try db.tableExists("train_metrics") else { return [] }
        let columns = Set(try db.columns(in: "train_metrics").map(\.name))
        guard let run = ["training_run_id", "run_id"].first(where: columns.contains), columns.contains("step") else { return [] }
        let losses = ["loss", "train_loss", "eval_loss", "val_loss", "heldout_loss"].filter(columns.contains)
        guard !losses.isEmpty else { return [] }
        let select = ([run, "step"] + losses).map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        var curves: [Int64: [String: [(x: Double, y: Double)]]] = [:]
        var order: [Int64] = []
        for row in try Row.fetchAll(db, sql: "SELECT \(select) FROM train_metrics ORDER BY \(run.quotedDatabaseIdentifier), step") {
            let runId: Int64 = row[run]
            if curves[runId] == nil { curves[runId] = [:]; order.append(runId) }
            let step: Double = row["step"]
            for loss in losses {
                if let value: Double = row[loss] { curves[runId, default: [:]][loss, default: []].append((step, value)) }
            }
        }
        return order.map { runId in
            LossCurve(runId: runId, series: losses.compactMap { name in
                curves[runId]?[name].map { LineChart.Series(name: name, points: $0) }
            })
        }
    }

    /// Where a checkpoint sits in training: its run and step.
    public struct CheckpointPosition: Sendable, Equatable {
        public var trainingRunId: Int64?
        public var step: Int64
    }

    /// Checkpoint id → its training run and step (empty without a checkpoints table).
    public static func checkpointPositions(in db: Database) throws -> [Int64: CheckpointPosition] {
        guard try db.tableExists("checkpoints") else { return [:] }
        let columns = Set(try db.columns(in: "checkpoints").map(\.name))
        guard columns.contains("step") else { return [:] }
        let run = columns.contains("run_id") ? "run_id" : "NULL"
        var positions: [Int64: CheckpointPosition] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, \(run) AS run, step FROM checkpoints") {
            positions[row["id"]] = CheckpointPosition(trainingRunId: row["run"], step: row["step"])
        }
        return positions
    }
}
