import ArgumentParser
import ProgressReporting

/// The `--quiet` flag of every command that can run long, and the progress display it selects:
/// a bar on a terminal, a plain line every ten seconds when standard error is a file or a pipe.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Show no progress (no bar on a terminal, no progress lines in a log).")
    var quiet = false

    /// Runs a stage with its progress shown under `label` (the command as typed) and clears
    /// the display before returning, so that what the command prints next stands alone.
    func showing<Result>(_ label: String, _ stage: (@escaping ProgressHandler) throws -> Result) rethrows -> Result {
        let reporter = ProgressReporter.standardError(label: label, quiet: quiet)
        defer { reporter.finish() }
        return try stage(reporter.report)
    }
}
