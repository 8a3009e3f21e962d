import Foundation
import GRDB

/// A multiple-choice task as stored (`eval_tasks`).
///
///     let task = try EvaluationRepository.task(named: "capitals", in: db)
///     task?.itemsSHA256   // identifies the imported items
public struct EvalTask: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "eval_tasks"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64
    public var name: String
    public var sourcePath: String?
    public var itemsSha256: String

    public enum Columns {
        static let name = Column("name")
    }
}

/// One evaluation of one model (`eval_runs`): a multiple-choice task or held-out perplexity.
///
///     let runs = try EvaluationRepository.runs(ids: nil, in: db)
///     runs[0].modelPath   // the directory that was scored
public struct EvalRun: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "eval_runs"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        case multipleChoice = "multiple_choice"
        case perplexity
    }

    public var id: Int64
    public var kind: Kind
    public var taskId: Int64?
    public var modelPath: String?
    public var checkpointId: Int64?
    public var tokenizer: String
    public var split: String
    public var shots: Int
    public var fewshotSampler: String
    public var seed: Int64
    public var itemCount: Int
    public var createdAt: String
}

/// Which model an evaluation scored: a directory, a training checkpoint, or both (a
/// checkpoint's directory), and the tokenizer used. Stored on the run so reports can line
/// scores up by checkpoint.
///
///     let subject = EvaluatedModel(path: "models/tiny", tokenizer: "models/tiny/tokenizer.json")
public struct EvaluatedModel: Sendable, Equatable {
    public var path: String?
    public var checkpointId: Int64?
    /// A tokenizer.json path, "bytes", or another name the caller chooses.
    public var tokenizer: String

    public init(path: String?, checkpointId: Int64? = nil, tokenizer: String) {
        self.path = path
        self.checkpointId = checkpointId
        self.tokenizer = tokenizer
    }
}
