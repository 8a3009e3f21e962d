import ArgumentParser
import ProgressReporting

/// The `--quiet` flag of every command that can run long, and the progress display it selects:
/// a bar on a terminal, a plain line every ten seconds when standard error is a file or a pipe.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Show no progress (no bar on a terminal, no progress lines in a log).")
    var quiet = false

    /// The reporter for this command's stage, labelled as the command is typed.
    func reporter(_ label: String) -> ProgressReporter {
        ProgressReporter.standardError(label: label, quiet: quiet)
    }
}
