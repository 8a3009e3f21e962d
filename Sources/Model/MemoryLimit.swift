import Foundation

/// The stated limit every large allocation of the model is checked against before it is made:
/// the machine's physical memory. Sizes come from files and flags (`config.json`, `--batch-size`),
/// so a hostile or mistyped value must end in an error that names it, not in an abort inside
/// `malloc` or a machine swapping to a halt.
///
///     let bytes = config.trainingBytes(batchSize: 8, sequenceLength: 256)
///     try MemoryLimit.check(bytes, for: "training tiny at batch 8 × 256", advice: "use a smaller --batch-size")
///     print(MemoryLimit.describe(bytes))   // "123.4 MB"
public enum MemoryLimit {
    /// Bytes the process may plan to hold at once.
    public static var bytes: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Throws `exceedsMemory` when `bytes` (computed in floating point, so that it cannot
    /// overflow) is over `limit`.
    public static func check(_ bytes: Double, for what: String, advice: String, limit: Double = MemoryLimit.bytes) throws(ModelError) {
        guard bytes.isFinite, bytes <= limit else {
            throw .exceedsMemory(what: what, bytes: bytes, limit: limit, advice: advice)
        }
    }

    /// "512 B", "12.3 MB", "4.0 GB", "2.1e+06 TB".
    public static func describe(_ bytes: Double) -> String {
        guard bytes.isFinite else { return "an unbounded amount" }
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = bytes, unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        if unit == 0 { return "\(Int(value)) B" }
        return value < 1e6 ? String(format: "%.1f %@", value, units[unit]) : String(format: "%.1e %@", value, units[unit])
    }
}
