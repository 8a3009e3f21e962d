import Foundation
import GRDB
import ProgressReporting
import Store
import Synthesis

/// Templify of one synthesis run with one seed, in one write transaction: load the built-in
/// catalog, read the run's chains (their texts and pairs `batchSize` chains at a time, so
/// memory does not grow with the run), render each with `SeededGenerator(seed, first request
/// id)`, and store every text it becomes (its formatted text, then each pair-less entry's raw
/// text, numbered by `part`) with its choices.
///
/// Re-running with the same seed is idempotent: a text already stored is left as it is if
/// it renders to the same text (its row id stays), and the run fails with
/// `TemplateError.changedRendering` if it does not (the catalog changed) — unless `replace`
/// is set, which deletes the run's texts for that seed and writes them anew. Other seeds'
/// texts are never touched, so one run can be templified several times.
///
///     let summary = try Templify.run(store: store, run: 1, seed: 42)
///     summary.written, summary.kept, summary.modes["classic"]
public enum Templify {
    /// What one templify did: chains seen, texts made (written or kept), their modes (`raw` for
    /// entries kept as raw text).
    ///
    ///     let summary = try Templify.run(store: store, run: 1)
    ///     Double(summary.chains) / summary.seconds   // texts/s
    public struct Summary: Sendable, Equatable {
        public var run: Int64
        public var seed: Int64
        public var chains: Int
        /// Texts the chains became: one formatted text per chain with pairs, plus one raw text
        /// per entry without usable pairs.
        public var texts: Int
        public var written: Int
        public var kept: Int
        public var replaced: Int
        public var templatesAdded: Int
        public var modes: [String: Int]
        public var inverted: Int
        public var characters: Int
        public var seconds: Double
    }

    /// Chains whose texts and pairs are in memory at once.
    static let batchSize = 256

    /// `progress` hears of every chain rendered (phase "rendering").
    public static func run(store: Store, run runId: Int64, seed: Int64? = nil, replace: Bool = false,
                           catalog: TemplateCatalog? = nil, progress: ProgressHandler = { _ in }) throws -> Summary {
        let start = Date()
        let source = try catalog ?? TemplateCatalog.embedded()
        return try store.write { db in
            let loaded = try TemplateRepository.load(source, in: db)
            let run = try SynthesisRepository.run(runId, in: db)
            let seed = seed ?? run.seed
            let chainIds = try TemplifyRepository.chainRequestIds(run: runId, in: db)
            var existing = try TemplifyRepository.existing(run: runId, seed: seed, in: db)
            var replaced = 0
            if replace {
                replaced = try TemplifyRepository.deleteTexts(run: runId, seed: seed, in: db)
                existing = [:]
            }
            var summary = Summary(run: runId, seed: seed, chains: chainIds.count, texts: 0, written: 0, kept: 0, replaced: replaced,
                                  templatesAdded: loaded.added, modes: [:], inverted: 0, characters: 0, seconds: 0)
            progress(StageProgress(phase: "rendering", done: 0, total: chainIds.count, unit: .count("chains")))
            var chainsDone = 0
            for first in stride(from: 0, to: chainIds.count, by: batchSize) {
                let batch = chainIds[first..<min(first + batchSize, chainIds.count)]
                for chain in try TemplifyRepository.chains(requestIds: batch, in: db) {
                    defer {
                        chainsDone += 1
                        progress(StageProgress(phase: "rendering", done: chainsDone, total: chainIds.count, unit: .count("chains")))
                    }
                    let texts = try TemplifyRenderer.templify(chain, catalog: loaded.catalog, seed: seed)
                    for (part, rendered) in texts.enumerated() {
                        summary.texts += 1
                        summary.modes[rendered.storedMode, default: 0] += 1
                        if rendered.choices.inverted { summary.inverted += 1 }
                        summary.characters += rendered.text.utf8.count
                        let key = TemplifyRepository.TextKey(firstRequestId: chain.firstRequestId, part: part)
                        if let stored = existing[key] {
                            guard stored.sha256 == Hex.sha256(rendered.text) else {
                                throw TemplateError.changedRendering(run: runId, seed: seed, firstRequestId: chain.firstRequestId)
                            }
                            summary.kept += 1
                        } else {
                            try TemplifyRepository.insert(rendered, part: part, chain: chain, run: runId, seed: seed, in: db)
                            summary.written += 1
                        }
                    }
                }
            }
            summary.seconds = Date().timeIntervalSince(start)
            return summary
        }
    }
}

extension Templify.Summary {
    /// What `ipt templify` prints: texts written and kept, modes, templates loaded.
    public var lines: [String] {
        let modeList = modes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return ["run \(run), seed \(seed): \(chains) chains → \(written) texts written, \(kept) kept" + (replaced > 0 ? ", \(replaced) replaced" : ""),
                "modes: \(modeList.isEmpty ? "none" : modeList); inverted \(inverted)"]
            + (templatesAdded > 0 ? ["templates loaded: \(templatesAdded) new"] : [])
    }

    /// The speed line for standard error.
    public var speed: String {
        String(format: "templify: %.2f s, %.0f texts/s, %.1f MB/s of text", seconds, Double(chains) / max(seconds, 1e-9),
               Double(characters) / 1e6 / max(seconds, 1e-9))
    }
}
