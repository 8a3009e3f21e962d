import Foundation

/// Writes a line to standard error (messages that are not the command's output).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A one-line progress bar on standard error, drawn only when it is a terminal and redrawn at
/// most ten times a second.
final class ProgressBar {
    enum Unit { case bytes, items }

    private let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(label: String) {
        self.label = label
    }

    func update(done: Double, total: Double, unit: Unit, extra: String = "") {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || (total > 0 && done >= total) else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(started), 1e-6)
        let fraction = total > 0 ? min(max(done / total, 0), 1) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = done / elapsed
        let amounts: String
        switch unit {
        case .bytes:
            amounts = String(format: "%.1f/%.1f MB  %.1f MB/s", done / 1e6, total / 1e6, rate / 1e6)
        case .items:
            amounts = String(format: "%.0f/%.0f  %.1f/s", done, total, rate)
        }
        let eta = rate > 0 && total > done ? String(format: "  ETA %.0fs", (total - done) / rate) : ""
        let line = "\r\(label) \(bar) \(Int(fraction * 100))%  \(amounts)\(extra.isEmpty ? "" : "  " + extra)\(eta)"
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
