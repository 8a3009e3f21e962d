import ProgressReporting
import Testing

/// A clock the test moves by hand, and everything the reporter wrote.
private final class Harness {
    var time = 1_000.0
    var written: [String] = []

    func reporter(_ display: ProgressReporter.Display, label: String = "eval perplexity") -> ProgressReporter {
        ProgressReporter(label: label, display: display, now: { [unowned self] in self.time },
                         write: { [unowned self] in self.written.append($0) })
    }

    /// Lines written so far, without their line endings.
    var lines: [String] { written.joined().split(separator: "\n").map(String.init) }
}

private func texts(_ done: Int, of total: Int?, phase: String = "scoring", detail: String = "") -> StageProgress {
    StageProgress(phase: phase, done: done, total: total, unit: .count("texts"), detail: detail)
}

@Suite struct ProgressReporterLineTests {
    @Test func writesNothingBeforeTheFirstInterval() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        for second in 0..<10 {
            harness.time = 1_000 + Double(second) + 0.5
            reporter.report(texts(second, of: 100))
        }
        #expect(harness.written.isEmpty)
    }

    @Test func lineCarriesCountRateAndTimeLeft() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        reporter.report(texts(0, of: 643))
        harness.time += 40
        reporter.report(texts(120, of: 643))
        // 120 texts in 40 s is 3 texts/s; 523 left at that rate is 174 s.
        #expect(harness.lines == ["eval perplexity: scoring 120/643 texts (18%), 3.0 texts/s, ETA 2m54s, 40s elapsed"])
    }

    @Test func linesComeOncePerIntervalHoweverOftenTheStageReports() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        var printedAt: [Double] = []
        for tick in 0...350 {  // a report every 0.1 s for 35 s
            harness.time = 1_000 + Double(tick) / 10
            let before = harness.written.count
            reporter.report(texts(tick, of: 1_000))
            if harness.written.count > before { printedAt.append(harness.time - 1_000) }
        }
        #expect(printedAt.count == 3)
        #expect(zip(printedAt, [10.0, 20.0, 30.0]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func firstIntervalCountsFromCreationNotFromTheFirstReport() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        harness.time += 12  // e.g. a model loading before the stage reports
        reporter.report(texts(0, of: 10))
        #expect(harness.lines == ["eval perplexity: scoring 0/10 texts (0%), 0s elapsed"])
    }

    @Test func rateCountsOnlyWorkDoneSinceThePhaseBegan() {
        let harness = Harness()
        let reporter = harness.reporter(.lines, label: "synth")
        reporter.report(StageProgress(phase: "", done: 500, total: 1_000, unit: .count("requests"), detail: "40 pairs"))
        harness.time += 10
        reporter.report(StageProgress(phase: "", done: 550, total: 1_000, unit: .count("requests"), detail: "45 pairs"))
        // 50 requests in 10 s (not 550): 5/s, 450 left → 90 s.
        #expect(harness.lines == ["synth: 550/1000 requests (55%), 5.0 requests/s, ETA 1m30s, 10s elapsed, 45 pairs"])
    }

    @Test func unknownTotalShowsNoPercentageOrTimeLeft() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        reporter.report(texts(0, of: nil))
        harness.time += 10
        reporter.report(texts(25, of: nil))
        #expect(harness.lines == ["eval perplexity: scoring 25 texts, 2.5 texts/s, 10s elapsed"])
    }

    @Test func bytesAreShownInMegabytes() {
        let harness = Harness()
        let reporter = harness.reporter(.lines, label: "ingest")
        reporter.report(StageProgress(phase: "", done: 0, total: 80_000_000, unit: .bytes))
        harness.time += 10
        reporter.report(StageProgress(phase: "", done: 12_300_000, total: 80_000_000, unit: .bytes, detail: "1200 texts"))
        #expect(harness.lines == ["ingest: 12.3/80.0 MB (15%), 1.2 MB/s, ETA 55s, 10s elapsed, 1200 texts"])
    }

    @Test func finishClosesAPhaseThatPrintedWithItsTotals() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        reporter.report(texts(0, of: 40))
        harness.time += 10
        reporter.report(texts(20, of: 40))
        harness.time += 5
        reporter.report(texts(40, of: 40))
        reporter.finish()
        reporter.finish()
        #expect(harness.lines == [
            "eval perplexity: scoring 20/40 texts (50%), 2.0 texts/s, ETA 10s, 10s elapsed",
            "eval perplexity: scoring 40/40 texts (100%), 2.7 texts/s, 15s in all",
        ])
    }

    @Test func aShortRunLeavesTheLogAlone() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        reporter.report(texts(0, of: 3))
        harness.time += 2
        reporter.report(texts(3, of: 3))
        reporter.finish()
        #expect(harness.written.isEmpty)
    }

    @Test func aNewPhaseClosesTheLastAndCountsFromItsOwnStart() {
        let harness = Harness()
        let reporter = harness.reporter(.lines, label: "tokenizer train")
        reporter.report(texts(0, of: 100, phase: "reading"))
        harness.time += 10
        reporter.report(texts(50, of: 100, phase: "reading"))
        harness.time += 5
        reporter.report(texts(100, of: 100, phase: "reading"))
        harness.time += 3  // work between the phases that reports nothing
        reporter.report(StageProgress(phase: "merging", done: 0, total: 1_000, unit: .count("merges")))
        harness.time += 10
        reporter.report(StageProgress(phase: "merging", done: 400, total: 1_000, unit: .count("merges")))
        #expect(harness.lines == [
            "tokenizer train: reading 50/100 texts (50%), 5.0 texts/s, ETA 10s, 10s elapsed",
            "tokenizer train: reading 100/100 texts (100%), 6.7 texts/s, 15s in all",
            "tokenizer train: merging 400/1000 merges (40%), 40.0 merges/s, ETA 15s, 10s elapsed",
        ])
    }

    @Test func aTickWritesTheLatestFiguresWhenTheStageIsSlowToReport() {
        let harness = Harness()
        let reporter = harness.reporter(.lines)
        reporter.tick()
        #expect(harness.written.isEmpty)  // nothing reported yet, nothing to say
        reporter.report(texts(0, of: 100))
        harness.time += 5
        reporter.report(texts(30, of: 100))
        harness.time += 5
        reporter.tick()
        harness.time += 5
        reporter.tick()
        harness.time += 5
        reporter.tick()
        // Ticks at 10 s and 20 s write lines (not the one at 15 s); the count stays where the stage left it.
        #expect(harness.lines == [
            "eval perplexity: scoring 30/100 texts (30%), 3.0 texts/s, ETA 23s, 10s elapsed",
            "eval perplexity: scoring 30/100 texts (30%), 1.5 texts/s, ETA 47s, 20s elapsed",
        ])
        reporter.finish()
        // The phase's figures end at its last report (5 s), not at the last tick.
        #expect(harness.lines.last == "eval perplexity: scoring 30/100 texts (30%), 6.0 texts/s, 5s in all")
    }

    @Test func silentWritesNothing() {
        let harness = Harness()
        let reporter = harness.reporter(.silent)
        for second in 0...60 {
            harness.time = 1_000 + Double(second)
            reporter.report(texts(second, of: 60))
        }
        reporter.finish()
        #expect(harness.written.isEmpty)
    }
}

@Suite struct ProgressReporterBarTests {
    @Test func barRedrawsAtMostTenTimesASecondAndEndsWithALineEnding() {
        let harness = Harness()
        let reporter = harness.reporter(.bar, label: "ingest")
        for tick in 0..<100 {  // a report every 10 ms for 1 s
            harness.time = 1_000 + Double(tick) / 100
            reporter.report(texts(tick, of: 100))
        }
        let draws = harness.written.filter { $0.hasPrefix("\r") }
        #expect(draws.count >= 9 && draws.count <= 11)
        reporter.finish()
        #expect(harness.written.last == "\n")
        #expect(harness.written.dropLast().last?.hasSuffix("\u{1B}[K") == true)
    }

    @Test func barShowsTheSameFigures() {
        let harness = Harness()
        let reporter = harness.reporter(.bar)
        reporter.report(texts(0, of: 643))
        harness.time += 40
        reporter.report(texts(120, of: 643))
        let bar = harness.written.last ?? ""
        #expect(bar.contains("eval perplexity: scoring"))
        #expect(bar.contains("18%"))
        #expect(bar.contains("120/643 texts"))
        #expect(bar.contains("3.0 texts/s"))
        #expect(bar.contains("ETA 2m54s"))
    }
}

@Suite struct ProgressTextTests {
    @Test func durationsReadAsHoursMinutesSeconds() {
        #expect(ProgressText.duration(45) == "45s")
        #expect(ProgressText.duration(185) == "3m05s")
        #expect(ProgressText.duration(3_720) == "1h02m")
        #expect(ProgressText.duration(.infinity) == "?")
    }
}
