import Foundation
import GRDB
import Store

/// A row of `training_runs`.
///
///     var run = TrainingRunRecord(snapshotId: 3, mode: "pretrain", configJSON: json, seed: 1, outDir: "runs/a")
///     try TrainingRepository.insertRun(&run, in: db)
public struct TrainingRunRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "training_runs"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: Int64?
    public var snapshotId: Int64?
    public var instructionSetId: Int64?
    public var mode: String
    public var configJson: String
    public var seed: Int64
    public var outDir: String
    public var resumedFrom: Int64?
    public var status: String = "running"
    /// The host and pid of the process training the run (see `TrainingRepository.failAbandonedRuns`).
    public var ownerHost: String? = ProcessOwner.current.host
    public var ownerPid: Int64? = ProcessOwner.current.pid

    public init(snapshotId: Int64? = nil, instructionSetId: Int64? = nil, mode: String, configJSON: String, seed: Int64, outDir: String, resumedFrom: Int64? = nil) {
        self.snapshotId = snapshotId
        self.instructionSetId = instructionSetId
        self.mode = mode
        configJson = configJSON
        self.seed = seed
        self.outDir = outDir
        self.resumedFrom = resumedFrom
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `checkpoints`.
///
///     let newest = try TrainingRepository.checkpoints(runId: 1, in: db).last
public struct CheckpointRecord: Codable, FetchableRecord, Sendable, Equatable {
    public var id: Int64
    public var runId: Int64
    public var step: Int
    public var path: String
    public var sha256: String
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// The only place Training's SQL lives: runs, checkpoints and per-step metrics.
///
///     try store.write { db in try TrainingRepository.insertMetrics(metrics, runId: id, in: db) }
public enum TrainingRepository {
    public static func insertRun(_ run: inout TrainingRunRecord, in db: Database) throws {
        try run.insert(db)
    }

    public static func finishRun(id: Int64, status: String, in db: Database) throws {
        try db.execute(sql: "UPDATE training_runs SET status = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                       arguments: [status, id])
    }

    public static func insertMetrics(_ metrics: StepMetrics, runId: Int64, in db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO train_metrics (run_id, step, loss, lr, grad_norm, tokens_per_s, eval_loss) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [runId, metrics.step, Double(metrics.loss), Double(metrics.learningRate), Double(metrics.gradientNorm), metrics.tokensPerSecond,
                             metrics.evalLoss.map { Double($0) }])
        try db.execute(sql: "UPDATE training_runs SET heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", arguments: [runId])
    }

    /// A `running` run whose process is gone, as `failAbandonedRuns` found it.
    public struct AbandonedRun: Sendable, Equatable {
        public var id: Int64
        public var ownerHost: String?
        public var ownerPid: Int64?
        public var outDir: String
    }

    /// Marks failed every `running` run whose training process no longer exists: on this host,
    /// one whose pid is not alive; elsewhere (or a run from before owners were recorded), one
    /// with no heartbeat (step, or start) for `staleSeconds`. Returns what it marked.
    @discardableResult
    public static func failAbandonedRuns(host: String = ProcessOwner.current.host, staleSeconds: Double = 24 * 3600,
                                         isAlive: (Int64) -> Bool = ProcessOwner.isAlive, in db: Database) throws -> [AbandonedRun] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, owner_host, owner_pid, out_dir,
                   (julianday('now') - julianday(coalesce(heartbeat_at, created_at))) * 86400 AS idle_seconds
            FROM training_runs WHERE status = 'running' ORDER BY id
            """)
        var abandoned: [AbandonedRun] = []
        for row in rows {
            let run = AbandonedRun(id: row["id"], ownerHost: row["owner_host"], ownerPid: row["owner_pid"], outDir: row["out_dir"])
            let idle: Double = row["idle_seconds"] ?? 0
            let dead: Bool
            if let pid = run.ownerPid, run.ownerHost == host {
                dead = pid != ProcessOwner.current.pid && !isAlive(pid)
            } else {
                dead = idle > staleSeconds
            }
            guard dead else { continue }
            try finishRun(id: run.id, status: "failed", in: db)
            abandoned.append(run)
        }
        return abandoned
    }

    @discardableResult
    public static func insertCheckpoint(runId: Int64, step: Int, path: String, sha256: String, in db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT OR REPLACE INTO checkpoints (run_id, step, path, sha256) VALUES (?, ?, ?, ?)",
                       arguments: [runId, step, path, sha256])
        return db.lastInsertedRowID
    }

    /// The newest checkpoint recorded for a directory (resolved to an absolute path).
    public static func checkpoint(path: String, in db: Database) throws -> CheckpointRecord? {
        try CheckpointRecord.fetchOne(db, sql: "SELECT id, run_id, step, path, sha256 FROM checkpoints WHERE path = ? ORDER BY id DESC LIMIT 1",
                                      arguments: [path])
    }

    public static func checkpoint(id: Int64, in db: Database) throws -> CheckpointRecord? {
        try CheckpointRecord.fetchOne(db, sql: "SELECT id, run_id, step, path, sha256 FROM checkpoints WHERE id = ?", arguments: [id])
    }

    public static func run(id: Int64, in db: Database) throws -> TrainingRunRecord? {
        try TrainingRunRecord.fetchOne(db, key: id)
    }

    public static func checkpoints(runId: Int64, in db: Database) throws -> [CheckpointRecord] {
        try CheckpointRecord.fetchAll(db, sql: "SELECT id, run_id, step, path, sha256 FROM checkpoints WHERE run_id = ? ORDER BY step",
                                      arguments: [runId])
    }

    /// (step, loss) of a run in step order.
    public static func losses(runId: Int64, in db: Database) throws -> [(step: Int, loss: Double)] {
        try Row.fetchAll(db, sql: "SELECT step, loss FROM train_metrics WHERE run_id = ? ORDER BY step", arguments: [runId])
            .map { ($0["step"], $0["loss"]) }
    }

    /// Every checkpoint of every run, by id.
    public static func allCheckpoints(in db: Database) throws -> [CheckpointRecord] {
        try CheckpointRecord.fetchAll(db, sql: "SELECT id, run_id, step, path, sha256 FROM checkpoints ORDER BY id")
    }

    /// One run's training loss and held-out loss by step, for plotting.
    public struct LossCurve: Sendable {
        public var runId: Int64
        public var loss: [(step: Int, value: Double)]
        /// Only the steps that measured it (every `evalEvery` steps and the last).
        public var evalLoss: [(step: Int, value: Double)]
    }

    /// The loss curves of every run with metrics, in run order.
    public static func lossCurves(in db: Database) throws -> [LossCurve] {
        var curves: [LossCurve] = []
        for row in try Row.fetchAll(db, sql: "SELECT run_id, step, loss, eval_loss FROM train_metrics ORDER BY run_id, step") {
            let runId: Int64 = row["run_id"], step: Int = row["step"]
            if curves.last?.runId != runId { curves.append(LossCurve(runId: runId, loss: [], evalLoss: [])) }
            curves[curves.count - 1].loss.append((step, row["loss"]))
            if let evalLoss: Double = row["eval_loss"] { curves[curves.count - 1].evalLoss.append((step, evalLoss)) }
        }
        return curves
    }
}
