import Foundation
import Randomness
import Testing
@testable import Model

/// The blocked causal attention against a direct Double implementation, over enough positions
/// for several query blocks (the last one partial), with grouped KV heads and a sliding window.
@Suite struct CausalAttentionTests {
    static func random(_ count: Int, stream: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: 42, stream: stream)
        return (0..<count).map { _ in rng.nextGaussian() }
    }

    /// out, dq, dk, dv for loss = Σ dout · out, computed position by position in Double.
    static func reference(q: [Float], k: [Float], v: [Float], dout: [Float], s: AttentionShape) -> (out: [Double], dq: [Double], dk: [Double], dv: [Double]) {
        let T = s.T, hd = s.headDim, group = s.heads / s.kvHeads, scale = 1 / Double(hd).squareRoot()
        var out = [Double](repeating: 0, count: s.B * T * s.Q), dq = out
        var dk = [Double](repeating: 0, count: s.B * T * s.K), dv = dk
        for b in 0..<s.B {
            for h in 0..<s.heads {
                let kvHead = h / group
                func qi(_ t: Int, _ d: Int) -> Int { (b * T + t) * s.Q + h * hd + d }
                func ki(_ t: Int, _ d: Int) -> Int { (b * T + t) * s.K + kvHead * hd + d }
                for t in 0..<T {
                    let visible = s.firstVisible(t)...t
                    var scores = [Double](repeating: 0, count: T)
                    for j in visible { scores[j] = (0..<hd).reduce(0.0) { $0 + Double(q[qi(t, $1)]) * Double(k[ki(j, $1)]) } * scale }
                    let maximum = visible.map { scores[$0] }.max() ?? 0
                    var p = [Double](repeating: 0, count: T)
                    for j in visible { p[j] = Foundation.exp(scores[j] - maximum) }
                    let sum = visible.reduce(0.0) { $0 + p[$1] }
                    for j in visible { p[j] /= sum }
                    for d in 0..<hd { out[qi(t, d)] = visible.reduce(0.0) { $0 + p[$1] * Double(v[ki($1, d)]) } }
                    // Backward of this query row.
                    var dp = [Double](repeating: 0, count: T)
                    for j in visible {
                        dp[j] = (0..<hd).reduce(0.0) { $0 + Double(dout[qi(t, $1)]) * Double(v[ki(j, $1)]) }
                        for d in 0..<hd { dv[ki(j, d)] += p[j] * Double(dout[qi(t, d)]) }
                    }
                    let projection = visible.reduce(0.0) { $0 + p[$1] * dp[$1] }
                    for j in visible {
                        let dscore = p[j] * (dp[j] - projection) * scale
                        for d in 0..<hd {
                            dq[qi(t, d)] += dscore * Double(k[ki(j, d)])
                            dk[ki(j, d)] += dscore * Double(q[qi(t, d)])
                        }
                    }
                }
            }
        }
        return (out, dq, dk, dv)
    }

    func check(window: Int?) {
        let s = AttentionShape(B: 2, T: 2 * attentionBlock + 37, heads: 4, kvHeads: 2, headDim: 8, window: window)
        let N = s.B * s.T
        let q = Self.random(N * s.Q, stream: 1), k = Self.random(N * s.K, stream: 2), v = Self.random(N * s.K, stream: 3)
        let dout = Self.random(N * s.Q, stream: 4)
        var out = [Float](repeating: 0, count: N * s.Q), dq = out
        // Stale values in the scratch buffers must not leak into the results.
        var att = [Float](repeating: .nan, count: s.B * s.heads * s.T * s.T), datt = att
        var dk = [Float](repeating: 0, count: N * s.K), dv = dk
        attentionForward(&out, &att, q, k, v, s)
        attentionBackward(&dq, &dk, &dv, &datt, dout, att, q, k, v, s)
        let expected = Self.reference(q: q, k: k, v: v, dout: dout, s: s)
        func worst(_ ours: [Float], _ exact: [Double]) -> Double { zip(ours, exact).map { abs(Double($0) - $1) }.max() ?? .infinity }
        #expect(worst(out, expected.out) < 1e-5, "out, window \(String(describing: window))")
        #expect(worst(dq, expected.dq) < 1e-5, "dq, window \(String(describing: window))")
        #expect(worst(dk, expected.dk) < 1e-5, "dk, window \(String(describing: window))")
        #expect(worst(dv, expected.dv) < 1e-5, "dv, window \(String(describing: window))")
    }

    @Test func blockedAttentionMatchesTheDirectComputation() { check(window: nil) }
    @Test func blockedAttentionWithASlidingWindow() { check(window: 50) }
}
