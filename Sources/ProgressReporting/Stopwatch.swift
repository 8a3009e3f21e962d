import Foundation

/// Wall-clock and process CPU time since it was made, for the benchmarks' rates.
///
///     let watch = Stopwatch()
///     let (seconds, cpuSeconds) = watch.elapsed()
public struct Stopwatch: Sendable {
    private let wallStart = DispatchTime.now().uptimeNanoseconds
    private let cpuStart = Stopwatch.processCPUSeconds()

    public init() {}

    /// Seconds of wall-clock time and of CPU time of this process (all threads).
    public func elapsed() -> (seconds: Double, cpuSeconds: Double) {
        (Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9, Self.processCPUSeconds() - cpuStart)
    }

    /// The middle value (the upper one of an even count), as every benchmark reports.
    public static func median(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.sorted()[values.count / 2]
    }

    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
