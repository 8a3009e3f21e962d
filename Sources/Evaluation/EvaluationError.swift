import Foundation

/// Why an evaluation, a task import or a report stopped, naming the file and line (or the
/// task, run or option) involved and what to do about it.
///
///     do { _ = try TaskFile.read(path: "boolq.jsonl") }
///     catch let error as EvaluationError { print(error.localizedDescription) }
///     // line 3 of boolq.jsonl: field "gold" is 4 but there are only 2 choices; …
public enum EvaluationError: Error, LocalizedError, Equatable {
    case unreadableFile(path: String, reason: String)
    case invalidLine(path: String, line: Int, message: String)
    case emptyTask(path: String)
    case taskChanged(name: String)
    case unknownTask(name: String)
    case noItems(task: String, split: String)
    case notEnoughFewShotItems(task: String, requested: Int, available: Int)
    case continuationTooLong(item: Int64, tokens: Int, maxPositions: Int)
    case vocabularyMismatch(tokenId: Int32, vocabularySize: Int)
    case noHeldOutTexts
    case unknownCheckpoint(id: Int64, reason: String)
    case writeFailed(path: String, reason: String)
    case missingMetric(run: Int64, metric: String)
    case missingTokenizer(path: String)
    case differentItems(runs: [Int64])

    public var errorDescription: String? {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .invalidLine(path, line, message):
            return "line \(line) of \(path): \(message); expected {\"context\": \"…\", \"choices\": [\"…\", \"…\"], \"gold\": 0, \"split\": \"test\"}; nothing was imported"
        case let .emptyTask(path):
            return "\(path) holds no items; write one JSON object per line"
        case let .taskChanged(name):
            return "a task named \"\(name)\" already exists with different items; import under another --name"
        case let .unknownTask(name):
            return "no task named \"\(name)\"; import it with `ipt eval import FILE.jsonl --name \(name)` or pass a .jsonl file"
        case let .noItems(task, split):
            return "task \"\(task)\" has no \(split) items; choose another --split"
        case let .notEnoughFewShotItems(task, requested, available):
            return "task \"\(task)\" has \(available) train items, fewer than the \(requested) few-shot examples asked for; lower --shots or add \"split\": \"train\" items"
        case let .continuationTooLong(item, tokens, maxPositions):
            return "item \(item): a choice is \(tokens) tokens, more than the model's \(maxPositions) positions; shorten the choice"
        case let .vocabularyMismatch(tokenId, vocabularySize):
            return "the tokenizer gave id \(tokenId) but the model's vocabulary has \(vocabularySize) ids; use the tokenizer the model was trained with"
        case .noHeldOutTexts:
            return "the corpus has no held-out texts; ingest some with `ipt ingest FILE --split heldout`"
        case let .unknownCheckpoint(id, reason):
            return "checkpoint \(id): \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        case let .missingMetric(run, metric):
            return "eval run \(run) has no \(metric) score; list its scores with `ipt query eval_scores`"
        case let .missingTokenizer(path):
            return "no tokenizer at \(path); pass --tokenizer FILE (a Hugging Face tokenizer.json), a stored tokenizer's name, bytes or raw-bytes"
        case let .differentItems(runs):
            return "eval runs \(runs.map(String.init).joined(separator: ", ")) did not score the same items, so their accuracy cannot be pooled"
        }
    }
}
