import COpenBLAS
import Foundation

/// OpenBLAS picks its kernels for the CPU when the library loads. A release older than the CPU
/// (Debian's 0.3.21 on a Xeon of family 6, model 207) does not recognise it and falls back to
/// "Prescott", plain SSE3 kernels: the demo's pre-training ran at 7,400 tokens/s there against
/// 37,500 with the AVX-512 kernels the CPU has. OPENBLAS_CORETYPE overrides the choice, but is
/// read only when the library loads, so `ipt` sets it and starts itself again.
public enum BLASCoreType {
    /// The core type to load OpenBLAS with instead of the generic fallback it chose, or nil when
    /// its choice stands (it recognised the CPU, the user set OPENBLAS_CORETYPE, or the CPU has
    /// nothing better than SSE3).
    public static func replacementForFallback() -> String? {
        guard let name = openblas_get_corename() else { return nil }
        return replacement(loaded: String(cString: name), cpuFlags: cpuFlags(),
                           override: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
    }

    /// The decision itself: only the generic fallback is replaced, never a user's choice, and
    /// only with kernels whose instructions the CPU has. The flags are read only for the
    /// fallback, so a recognised CPU costs `ipt`'s start-up no read of /proc/cpuinfo.
    static func replacement(loaded: String, cpuFlags: @autoclosure () -> Set<String>, override: String?) -> String? {
        guard override == nil, loaded == "Prescott" else { return nil }
        let flags = cpuFlags()
        if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The first processor's feature flags from /proc/cpuinfo (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
