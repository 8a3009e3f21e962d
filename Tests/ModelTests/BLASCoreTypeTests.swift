import Foundation
@testable import Model
import Testing

@Suite struct BLASCoreTypeTests {
    static let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    @Test func onlyTheGenericFallbackIsReplacedWithKernelsTheCPURuns() {
        #expect(BLASCoreType.replacement(loaded: "Prescott", cpuFlags: Self.avx512, override: nil) == "SkylakeX")
        #expect(BLASCoreType.replacement(loaded: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"], override: nil) == "Haswell")
        // Without AVX2 there is nothing better than the fallback; AVX-512 without BW/VL is not enough for SkylakeX.
        #expect(BLASCoreType.replacement(loaded: "Prescott", cpuFlags: ["sse3", "avx"], override: nil) == nil)
        #expect(BLASCoreType.replacement(loaded: "Prescott", cpuFlags: ["avx2", "fma", "avx512f"], override: nil) == "Haswell")
        // A recognised CPU, or the user's own choice, stands.
        #expect(BLASCoreType.replacement(loaded: "SkylakeX", cpuFlags: Self.avx512, override: nil) == nil)
        #expect(BLASCoreType.replacement(loaded: "Prescott", cpuFlags: Self.avx512, override: "Haswell") == nil)
    }

    #if arch(x86_64) && os(Linux)
    @Test func theCPUFlagsAreReadFromProcCpuinfo() {
        #expect(BLASCoreType.cpuFlags().isSuperset(of: ["sse", "sse2"]))
    }
    #endif
}
