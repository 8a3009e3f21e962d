/// The figures a progress display shows for one phase: how much is done, the rate since the
/// phase started and the time left at that rate. Pure: the reporter supplies the clock.
///
///     let figures = ProgressFigures(progress: latest, doneAtStart: 0, elapsed: 40)
///     figures.rate           // units per second since the phase started
///     figures.secondsLeft    // nil when the total or the rate is unknown
public struct ProgressFigures: Sendable, Equatable {
    public var progress: StageProgress
    /// Seconds since the phase's first report.
    public var elapsed: Double
    /// Units per second over the phase so far, counting from what was already done when the
    /// phase was first reported (a resumed run's earlier work is not this run's speed).
    public var rate: Double?
    /// Seconds until `total` at `rate`.
    public var secondsLeft: Double?
    /// done / total, clamped to 0...1.
    public var fraction: Double?

    public init(progress: StageProgress, doneAtStart: Int, elapsed: Double) {
        self.progress = progress
        self.elapsed = elapsed
        let advanced = progress.done - doneAtStart
        rate = elapsed > 0 && advanced > 0 ? Double(advanced) / elapsed : nil
        if let total = progress.total, total > 0 {
            fraction = min(max(Double(progress.done) / Double(total), 0), 1)
            if let rate { secondsLeft = Double(max(total - progress.done, 0)) / rate }
        }
    }
}
