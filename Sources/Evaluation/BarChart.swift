import Foundation

/// A grouped bar chart with 95% interval whiskers, written as a standalone SVG by hand: one
/// group of bars per category (e.g. a mixture), one bar per series (e.g. before and after
/// instruction tuning). Output depends only on the input.
///
///     var chart = BarChart(title: "Held-out QA accuracy", yLabel: "acc", yRange: 0...1)
///     chart.categories = ["Vanilla", "Instruct"]
///     chart.series = [.init(name: "pre-trained", bars: [.init(value: 0.31, halfInterval: 0.05), .init(value: 0.62, halfInterval: 0.05)])]
///     let svg = chart.svg()
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var value: Double
        /// Half the width of the 95% interval (1.96 × stderr); nil draws no whisker.
        public var halfInterval: Double?
        public init(value: Double, halfInterval: Double?) {
            self.value = value
            self.halfInterval = halfInterval
        }
    }

    public struct Series: Sendable {
        public var name: String
        /// One bar per category, in the categories' order; nil leaves a gap.
        public var bars: [Bar?]
        public init(name: String, bars: [Bar?]) {
            self.name = name
            self.bars = bars
        }
    }

    public var title: String
    public var yLabel: String
    public var yRange: ClosedRange<Double>
    public var categories: [String] = []
    public var series: [Series] = []
    /// A dashed horizontal line, e.g. the chance level; nil draws none.
    public var reference: (value: Double, label: String)?
    public var width = 640.0
    public var height = 400.0

    public init(title: String, yLabel: String, yRange: ClosedRange<Double>) {
        self.title = title
        self.yLabel = yLabel
        self.yRange = yRange
    }

    public func svg() -> String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 80.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let ticks = LineChart.niceTicks(min: yRange.lowerBound, max: yRange.upperBound)
        let y0 = ticks.first ?? yRange.lowerBound, y1 = ticks.last ?? yRange.upperBound
        func py(_ y: Double) -> Double { top + plotHeight - (min(max(y, y0), y1) - y0) / max(y1 - y0, 1e-300) * plotHeight }
        let f = LineChart.f, escape = LineChart.escape

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        for tick in ticks {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(tick)))\" stroke=\"#e0e0e0\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(LineChart.label(tick, ticks: ticks))</text>\n"
        }
        out += "<text transform=\"translate(16,\(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        let groupWidth = plotWidth / Double(max(categories.count, 1))
        let barWidth = groupWidth * 0.7 / Double(max(series.count, 1))
        for (c, category) in categories.enumerated() {
            let groupLeft = left + groupWidth * Double(c) + groupWidth * 0.15
            for (s, line) in series.enumerated() {
                guard c < line.bars.count, let bar = line.bars[c] else { continue }
                let x = groupLeft + barWidth * Double(s)
                let color = LineChart.palette[s % LineChart.palette.count]
                out += "<rect x=\"\(f(x))\" y=\"\(f(py(bar.value)))\" width=\"\(f(barWidth * 0.92))\" height=\"\(f(py(y0) - py(bar.value)))\" fill=\"\(color)\"/>\n"
                if let half = bar.halfInterval {
                    let mid = x + barWidth * 0.46
                    out += "<path d=\"M\(f(mid)),\(f(py(bar.value - half)))V\(f(py(bar.value + half)))M\(f(mid - 5)),\(f(py(bar.value - half)))h10M\(f(mid - 5)),\(f(py(bar.value + half)))h10\" stroke=\"black\" fill=\"none\"/>\n"
                }
                out += "<text x=\"\(f(x + barWidth * 0.46))\" y=\"\(f(py(bar.value + (bar.halfInterval ?? 0)) - 4))\" text-anchor=\"middle\" font-size=\"10\">\(String(format: "%.2f", bar.value))</text>\n"
            }
            out += "<text x=\"\(f(left + groupWidth * (Double(c) + 0.5)))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(escape(category))</text>\n"
        }
        if let reference {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(reference.value)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(reference.value)))\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>\n"
            out += "<text x=\"\(f(left + plotWidth - 4))\" y=\"\(f(py(reference.value) - 4))\" text-anchor=\"end\" fill=\"#555\">\(escape(reference.label))</text>\n"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"black\"/>\n"
        for (s, line) in series.enumerated() {
            let legendX = left + 160 * Double(s), legendY = top + plotHeight + 48
            out += "<rect x=\"\(f(legendX))\" y=\"\(f(legendY - 10))\" width=\"12\" height=\"12\" fill=\"\(LineChart.palette[s % LineChart.palette.count])\"/>\n"
            out += "<text x=\"\(f(legendX + 18))\" y=\"\(f(legendY))\">\(escape(line.name))</text>\n"
        }
        out += "</svg>\n"
        return out
    }
}
