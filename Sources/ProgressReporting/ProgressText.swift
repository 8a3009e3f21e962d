import Foundation

/// How progress figures read: the plain line written to a log every few seconds, the line that
/// closes a phase, and the bar redrawn in place on a terminal.
///
///     ProgressText.line(label: "eval perplexity", figures)
///     // eval perplexity: scoring 120/643 texts (18%), 3.0 texts/s, ETA 2m54s, 40s elapsed
public enum ProgressText {
    /// A running line: amounts, percentage, rate, time left, time elapsed, the stage's detail.
    public static func line(label: String, _ figures: ProgressFigures) -> String {
        var parts = [head(label: label, figures.progress) + amounts(figures)]
        if let rate = figures.rate { parts.append(rateText(rate, figures.progress.unit)) }
        if let left = figures.secondsLeft { parts.append("ETA " + duration(left)) }
        parts.append(duration(figures.elapsed) + " elapsed")
        if !figures.progress.detail.isEmpty { parts.append(figures.progress.detail) }
        return parts.joined(separator: ", ")
    }

    /// The line that closes a phase: the same amounts and rate, and how long the phase took.
    public static func closingLine(label: String, _ figures: ProgressFigures) -> String {
        var parts = [head(label: label, figures.progress) + amounts(figures)]
        if let rate = figures.rate { parts.append(rateText(rate, figures.progress.unit)) }
        parts.append(duration(figures.elapsed) + " in all")
        if !figures.progress.detail.isEmpty { parts.append(figures.progress.detail) }
        return parts.joined(separator: ", ")
    }

    /// A terminal bar (no line ending): a 30-cell bar when the total is known, then the same
    /// figures as a line.
    public static func bar(label: String, _ figures: ProgressFigures, width: Int = 30) -> String {
        var parts = [head(label: label, figures.progress).trimmingCharacters(in: .whitespaces)]
        if let fraction = figures.fraction {
            let filled = Int(fraction * Double(width))
            parts.append(String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                         + " \(Int(fraction * 100))%")
        }
        parts.append(amount(figures.progress))
        if let rate = figures.rate { parts.append(rateText(rate, figures.progress.unit)) }
        if let left = figures.secondsLeft { parts.append("ETA " + duration(left)) }
        if !figures.progress.detail.isEmpty { parts.append(figures.progress.detail) }
        return parts.joined(separator: "  ")
    }

    /// "1h02m", "3m05s", "45s"; "?" for a time that is not a number.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }

    private static func head(label: String, _ progress: StageProgress) -> String {
        label + ": " + (progress.phase.isEmpty ? "" : progress.phase + " ")
    }

    private static func amounts(_ figures: ProgressFigures) -> String {
        amount(figures.progress) + (figures.fraction.map { " (\(Int($0 * 100))%)" } ?? "")
    }

    private static func amount(_ progress: StageProgress) -> String {
        switch progress.unit {
        case .bytes:
            let done = megabytes(progress.done)
            return (progress.total.map { "\(done)/\(megabytes($0))" } ?? done) + " MB"
        case .count(let noun):
            return (progress.total.map { "\(progress.done)/\($0)" } ?? "\(progress.done)") + " " + noun
        }
    }

    private static func rateText(_ rate: Double, _ unit: ProgressUnit) -> String {
        switch unit {
        case .bytes: return number(rate / 1e6) + " MB/s"
        case .count(let noun): return number(rate) + " \(noun)/s"
        }
    }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    /// Enough digits to read a rate: none from 100 up, one from 1, two below.
    private static func number(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f" : value >= 1 ? "%.1f" : "%.2f", value)
    }
}
