/// Where a long-running stage is: the phase it is in and how much of it is done. Stages hand
/// these to a `ProgressHandler` as they go and know nothing of how (or whether) they are shown;
/// the command line gives them to a `ProgressReporter`.
///
///     try evaluator.evaluate(texts: texts) { progress in reporter.report(progress) }
///     progress(StageProgress(phase: "scoring", done: 1_200, total: 40_000, unit: .count("tokens")))
///     progress(StageProgress(phase: "reading", done: bytes, total: size, unit: .bytes, detail: "\(texts) texts"))
public struct StageProgress: Sendable, Equatable {
    /// What the stage is doing now ("tokenizing", "merging"); a new phase starts a new count.
    public var phase: String
    /// Units done so far in this phase.
    public var done: Int
    /// Units the phase will do in all; nil when the stage cannot know it in advance.
    public var total: Int?
    public var unit: ProgressUnit
    /// Further figures worth showing beside the count ("1234 pairs"); empty for none.
    public var detail: String

    public init(phase: String, done: Int, total: Int?, unit: ProgressUnit, detail: String = "") {
        self.phase = phase
        self.done = done
        self.total = total
        self.unit = unit
        self.detail = detail
    }
}

/// What a stage's progress counts: bytes (shown in MB) or things named by a plural noun.
///
///     ProgressUnit.count("texts"), ProgressUnit.bytes
public enum ProgressUnit: Sendable, Equatable {
    case bytes
    case count(String)
}

/// The callback a stage reports through. Stages call it when a phase starts (with `done` 0) and
/// then as often as is cheap — every item or loop iteration; the receiver decides what to show.
public typealias ProgressHandler = (StageProgress) -> Void
