import Foundation

/// Shows a stage's progress on standard error, the same way for every command: on a terminal a
/// bar redrawn in place at most ten times a second; elsewhere (a log file, CI, `nohup`) one
/// plain line every `lineInterval` seconds with the same figures, and a closing line for every
/// phase that printed one; nothing at all when silent (`--quiet`). Give it every report a stage
/// makes — it decides what to show — and call `finish()` when the stage returns.
///
/// Lines are due on time even when a stage reports seldom (one long model step, one big
/// commit): `tick()` writes the latest figures once the interval has passed, and the
/// standard-error reporter calls it every second from a timer. A count that stops moving in
/// those lines is a stage that is stuck.
///
///     let reporter = ProgressReporter.standardError(label: "eval perplexity", quiet: false)
///     let scores = try evaluator.evaluate(texts: texts, progress: reporter.report)
///     reporter.finish()
public final class ProgressReporter: @unchecked Sendable {
    public enum Display: Sendable, Equatable {
        /// A bar redrawn in place (standard error is a terminal).
        case bar
        /// Plain lines at an interval (standard error is a file or a pipe).
        case lines
        /// Nothing.
        case silent
    }

    /// One phase of a stage as seen so far.
    private struct Phase {
        var start: Double
        var doneAtStart: Int
        var latest: StageProgress
        /// When `latest` came: a phase ends at its last report, not when the next phase begins.
        var latestTime: Double
        /// Whether a line or bar was shown for this phase (a closing line follows only then).
        var shown = false
    }

    public let label: String
    public let display: Display
    /// Seconds between two plain lines.
    public let lineInterval: Double
    /// Least seconds between two redraws of the bar.
    public let redrawInterval: Double
    private let now: () -> Double
    private let write: (String) -> Void
    private var lastOutput: Double
    private var phase: Phase?
    /// Guards the state above: the stage reports from its thread, the timer ticks from another.
    private let lock = NSLock()
    private var ticker: DispatchSourceTimer?

    /// - Parameters:
    ///   - now: seconds on a clock that only moves forward (tests pass their own).
    ///   - write: where the text goes, line endings and carriage returns included.
    public init(label: String, display: Display, lineInterval: Double = 10, redrawInterval: Double = 0.1,
                now: @escaping () -> Double = ProgressReporter.monotonicSeconds,
                write: @escaping (String) -> Void = ProgressReporter.writeToStandardError) {
        self.label = label
        self.display = display
        self.lineInterval = lineInterval
        self.redrawInterval = redrawInterval
        self.now = now
        self.write = write
        // The first line comes one interval after the command started, not after the stage's
        // first report, so slow set-up before it (loading a model) counts.
        lastOutput = now()
    }

    /// A reporter on standard error: a bar on a terminal, lines otherwise, silent when `quiet`.
    public static func standardError(label: String, quiet: Bool) -> ProgressReporter {
        let display: Display = quiet ? .silent : isatty(STDERR_FILENO) == 1 ? .bar : .lines
        let reporter = ProgressReporter(label: label, display: display)
        if display == .lines { reporter.tickEverySecond() }
        return reporter
    }

    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    public static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Takes one report from the stage; shows it if it is time to.
    public func report(_ progress: StageProgress) {
        guard display != .silent else { return }
        lock.lock()
        defer { lock.unlock() }
        let time = now()
        if let current = phase, current.latest.phase != progress.phase {
            close(current, at: time)
            phase = nil
        }
        var current = phase ?? Phase(start: time, doneAtStart: progress.done, latest: progress, latestTime: time)
        current.latest = progress
        current.latestTime = time
        switch display {
        case .lines:
            if time - lastOutput >= lineInterval {
                write(ProgressText.line(label: label, figures(current, at: time)) + "\n")
                lastOutput = time
                current.shown = true
            }
        case .bar:
            let complete = progress.total.map { progress.done >= $0 } ?? false
            if time - lastOutput >= redrawInterval || complete || !current.shown {
                drawBar(current, at: time)
                lastOutput = time
                current.shown = true
            }
        case .silent:
            break
        }
        phase = current
    }

    /// Writes a line with the latest figures if one is due (lines only), though the stage has
    /// not reported since the last one.
    public func tick() {
        guard display == .lines else { return }
        lock.lock()
        defer { lock.unlock() }
        let time = now()
        guard var current = phase, time - lastOutput >= lineInterval else { return }
        write(ProgressText.line(label: label, figures(current, at: time)) + "\n")
        lastOutput = time
        current.shown = true
        phase = current
    }

    /// Closes the display: the bar gets its last figures and a line ending; a phase that printed
    /// lines gets its closing line. Safe to call more than once (only the first call writes).
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        ticker?.cancel()
        ticker = nil
        guard let current = phase else { return }
        close(current, at: now())
        phase = nil
    }

    /// Calls `tick()` every second from a timer until `finish()`.
    private func tickEverySecond() {
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        ticker = timer
    }

    private func close(_ current: Phase, at time: Double) {
        guard current.shown else { return }
        switch display {
        case .lines:
            write(ProgressText.closingLine(label: label, figures(current, at: current.latestTime)) + "\n")
            lastOutput = time
        case .bar:
            drawBar(current, at: time)
            write("\n")
        case .silent:
            break
        }
    }

    private func drawBar(_ current: Phase, at time: Double) {
        // Carriage return, the bar, then erase whatever a longer previous bar left behind.
        write("\r" + ProgressText.bar(label: label, figures(current, at: time)) + "\u{1B}[K")
    }

    private func figures(_ current: Phase, at time: Double) -> ProgressFigures {
        ProgressFigures(progress: current.latest, doneAtStart: current.doneAtStart, elapsed: time - current.start)
    }
}
