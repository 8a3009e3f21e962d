import CKernels
import Foundation
import Testing

/// The vectorised exp-based kernels against the same formulas in Double.
@Suite struct ElementwiseKernelTests {
    /// Inputs over exp's whole float range, an odd count so the 8-lane tail path runs too.
    static let inputs: [Float] = (0..<4001).map { -87 + 175 * Float($0) / 4000 }

    @Test func expMatchesDoublePrecisionToAFewUlps() {
        var out = [Float](repeating: 0, count: Self.inputs.count)
        _ = ipt_exp_shifted(&out, Self.inputs, Self.inputs.count, 0)
        for (x, e) in zip(Self.inputs, out) {
            let exact = Foundation.exp(Double(x))
            #expect(abs(Double(e) - exact) <= 4e-7 * exact, "exp(\(x)) = \(e), exact \(exact)")
        }
        // The returned sum (a softmax denominator) over a range whose sum fits a Float.
        let moderate = Array(Self.inputs[1800..<2300])
        let exactSum = moderate.reduce(0.0) { $0 + Foundation.exp(Double($1)) }
        #expect(abs(Double(ipt_exp_shifted(nil, moderate, moderate.count, 0)) - exactSum) <= 1e-5 * exactSum)
    }

    @Test func expShiftScaleAndLimits() {
        var row: [Float] = [0, 1, -1, 2.5, -.infinity, -200, 3, 0.125, -0.5]
        let expected = row.map { 0.5 * Foundation.exp(Double($0) - 3) }
        ipt_exp_scaled(&row, row.count, 3, 0.5)
        for (value, exact) in zip(row, expected) { #expect(abs(Double(value) - exact) <= 4e-7 * exact + 1e-30) }
        #expect(row[4] == 0 && row[5] == 0)
        let huge: [Float] = [100, 89]
        #expect(ipt_exp_shifted(nil, huge, 2, 0) == .infinity)
    }

    @Test func maxIncludesTheTail() {
        let values: [Float] = (0..<19).map { -Float($0) - 5 } + [-1]
        #expect(ipt_max(values, values.count) == -1)
        #expect(ipt_max(values, 3) == -5)
        #expect(ipt_max(values, 0) == -.infinity)
    }

    @Test func swigluForwardAndBackwardMatchTheirFormulas() {
        let n = 1003
        let gate: [Float] = (0..<n).map { Float($0 - 500) / 40 }
        let up: [Float] = (0..<n).map { Float(($0 * 37) % 101 - 50) / 25 }
        let dout: [Float] = (0..<n).map { Float(($0 * 13) % 29 - 14) / 7 }
        var out = [Float](repeating: 0, count: n), dgate = out, dup = out
        ipt_swiglu_forward(&out, gate, up, n)
        ipt_swiglu_backward(&dgate, &dup, dout, gate, up, n)
        for i in 0..<n {
            let g = Double(gate[i]), sigmoid = 1 / (1 + Foundation.exp(-g))
            let silu = g * sigmoid, derivative = sigmoid * (1 + g * (1 - sigmoid))
            #expect(abs(Double(out[i]) - silu * Double(up[i])) <= 1e-6 * (1 + abs(silu * Double(up[i]))))
            #expect(abs(Double(dgate[i]) - Double(dout[i]) * Double(up[i]) * derivative) <= 1e-6 * (1 + abs(Double(dout[i] * up[i]))))
            #expect(abs(Double(dup[i]) - Double(dout[i]) * silu) <= 1e-6 * (1 + abs(Double(dout[i]) * silu)))
        }
    }
}
