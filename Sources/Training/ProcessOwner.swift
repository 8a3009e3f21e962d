import Foundation

/// Who is running: the host name and process id recorded with a training run, and whether a
/// process of this host is still alive — how a run left `running` by a killed process is told
/// apart from one still training.
///
///     let me = ProcessOwner.current                // (host: "box", pid: 4242)
///     ProcessOwner.isAlive(me.pid)                 // true
///     ProcessOwner.isAlive(999_999_999)            // false
public enum ProcessOwner {
    public static let current: (host: String, pid: Int64) = (ProcessInfo.processInfo.hostName, Int64(getpid()))

    /// Whether a process with this id exists on this host (signal 0 probes without sending).
    public static func isAlive(_ pid: Int64) -> Bool {
        guard pid > 0, pid <= Int64(Int32.max) else { return false }
        return kill(pid_t(pid), 0) == 0 || errno == EPERM
    }
}
