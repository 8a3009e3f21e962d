import Foundation

/// A line chart written as a standalone SVG file by hand (no dependencies): axes with rounded
/// tick values, one polyline with point markers per series, a legend. Output depends only on
/// the input, so a report rebuilt from the same database is byte-identical.
///
///     var chart = LineChart(title: "Training loss, run 3", xLabel: "step", yLabel: "loss")
///     chart.series.append(.init(name: "loss", points: [(0, 8.3), (100, 5.1), (200, 4.2)]))
///     try chart.svg().write(toFile: "loss-run-3.svg", atomically: true, encoding: .utf8)
public struct LineChart: Sendable {
    /// One named line: `Series(name: "acc", points: [(100, 0.31), (200, 0.42)])`.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    /// Fixed y range (e.g. 0...1 for accuracies); nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// Whole-number x ticks (run ids, checkpoint ids, steps).
    public var integerX = false
    public var width = 640.0
    public var height = 400.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    public init(title: String, xLabel: String, yLabel: String, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yRange = yRange
    }

    public func svg() -> String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0 + 18.0 * Double((series.count + 2) / 3)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = Self.niceTicks(min: all.map(\.x).min() ?? 0, max: all.map(\.x).max() ?? 1, minimumStep: integerX ? 1 : 0)
        let ys = yRange.map { Self.niceTicks(min: $0.lowerBound, max: $0.upperBound) }
            ?? Self.niceTicks(min: all.map(\.y).min() ?? 0, max: all.map(\.y).max() ?? 1)
        let (x0, x1) = (xs.first ?? 0, xs.last ?? 1), (y0, y1) = (ys.first ?? 0, ys.last ?? 1)
        func px(_ x: Double) -> Double { left + (x - x0) / max(x1 - x0, 1e-300) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - y0) / max(y1 - y0, 1e-300) * plotHeight }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.f(width))" height="\(Self.f(height))" viewBox="0 0 \(Self.f(width)) \(Self.f(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Self.f(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold">\(Self.escape(title))</text>

            """
        for y in ys {
            out += "<line x1=\"\(Self.f(left))\" y1=\"\(Self.f(py(y)))\" x2=\"\(Self.f(left + plotWidth))\" y2=\"\(Self.f(py(y)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(Self.f(left - 6))\" y=\"\(Self.f(py(y) + 4))\" text-anchor=\"end\">\(Self.label(y, ticks: ys))</text>\n"
        }
        for x in xs {
            out += "<line x1=\"\(Self.f(px(x)))\" y1=\"\(Self.f(top + plotHeight))\" x2=\"\(Self.f(px(x)))\" y2=\"\(Self.f(top + plotHeight + 5))\" stroke=\"black\"/>\n"
            out += "<text x=\"\(Self.f(px(x)))\" y=\"\(Self.f(top + plotHeight + 18))\" text-anchor=\"middle\">\(Self.label(x, ticks: xs))</text>\n"
        }
        out += "<rect x=\"\(Self.f(left))\" y=\"\(Self.f(top))\" width=\"\(Self.f(plotWidth))\" height=\"\(Self.f(plotHeight))\" fill=\"none\" stroke=\"black\"/>\n"
        out += "<text x=\"\(Self.f(left + plotWidth / 2))\" y=\"\(Self.f(top + plotHeight + 36))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(18 \(Self.f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            if points.count > 1 {
                let coordinates = points.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y)))" }.joined(separator: " ")
                // Every other series dashed, so equal series stay visible on top of each other.
                let dash = index % 2 == 1 ? " stroke-dasharray=\"7 4\"" : ""
                out += "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
            }
            // Markers only where they stay readable; a long loss curve is a line.
            if points.count <= 60 {
                for point in points {
                    out += "<circle cx=\"\(Self.f(px(point.x)))\" cy=\"\(Self.f(py(point.y)))\" r=\"3.5\" fill=\"\(color)\"/>\n"
                }
            }
            let legendX = left + Double(index % 3) * (plotWidth / 3)
            let legendY = top + plotHeight + 52 + 18 * Double(index / 3)
            out += "<rect x=\"\(Self.f(legendX))\" y=\"\(Self.f(legendY - 9))\" width=\"14\" height=\"4\" fill=\"\(color)\"/>\n"
            out += "<text x=\"\(Self.f(legendX + 20))\" y=\"\(Self.f(legendY - 3))\">\(Self.escape(line.name))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    /// About five round tick values (1, 2 or 5 × 10^k apart) covering min...max.
    static func niceTicks(min low: Double, max high: Double, minimumStep: Double = 0) -> [Double] {
        var low = low, high = high
        if high - low < 1e-12 { low -= max(0.5, minimumStep); high += max(0.5, minimumStep) }
        let rough = max((high - low) / 5, minimumStep)
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = floor(low / step) * step, last = ceil(high / step) * step
        let count = Int(((last - first) / step).rounded())
        return (0...count).map { first + Double($0) * step }
    }

    static func label(_ value: Double, ticks: [Double]) -> String {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, Int(ceil(-log10(step) - 1e-9)))
        return String(format: "%.\(decimals)f", value)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
