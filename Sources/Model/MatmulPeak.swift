import COpenBLAS
import Foundation

/// The machine's measured single-precision matrix-multiply peak, the denominator of MFU.
///
///     let peak = MatmulPeak.measureGFLOPS()
///     let mfu = tokensPerSecond * flopsPerToken / (peak * 1e9)
public enum MatmulPeak {
    /// The best of a few square and model-shaped `cblas_sgemm` calls (the first of each
    /// shape untimed), in GFLOPS.
    public static func measureGFLOPS() -> Double {
        var best = 0.0
        for (m, n, k) in [(1024, 1024, 1024), (2048, 512, 512), (2048, 1376, 512)] {
            let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
            var c = [Float](repeating: 0, count: m * n)
            for trial in 0..<4 {
                let start = DispatchTime.now().uptimeNanoseconds
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if trial > 0 { best = max(best, 2.0 * Double(m * n * k) / seconds / 1e9) }
            }
        }
        return best
    }
}
