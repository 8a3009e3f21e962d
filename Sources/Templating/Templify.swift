import Foundation
import GRDB
import Store
import Synthesis

/// Templify of one synthesis run with one seed, in one write transaction: load the built-in
/// catalog, read the run's chains, render each with `SeededGenerator(seed, first request id)`,
/// and store every text with its choices.
///
/// Re-running with the same seed is idempotent: a chain already stored is left as it is if
/// it renders to the same text (its row id stays), and the run fails with
/// `TemplateError.changedRendering` if it does not (the catalog changed) — unless `replace`
/// is set, which deletes the run's texts for that seed and writes them anew. Other seeds'
/// texts are never touched, so one run can be templified several times.
///
///     let summary = try Templify.run(store: store, run: 1, seed: 42)
///     summary.written, summary.kept, summary.modes["classic"]
public enum Templify {
    /// What one templify did.
    public struct Summary: Sendable, Equatable {
        public var run: Int64
        public var seed: Int64
        public var chains: Int
        public var written: Int
        public var kept: Int
        public var replaced: Int
        public var templatesAdded: Int
        public var modes: [String: Int]
        public var inverted: Int
        public var characters: Int
        public var seconds: Double
    }

    public static func run(store: Store, run runId: Int64, seed: Int64? = nil, replace: Bool = false,
                           catalog: TemplateCatalog? = nil) throws -> Summary {
        let start = Date()
        let source = try catalog ?? TemplateCatalog.embedded()
        return try store.write { db in
            let loaded = try TemplateRepository.load(source, in: db)
            let run = try SynthesisRepository.run(runId, in: db)
            let seed = seed ?? run.seed
            let chains = try TemplifyRepository.chains(run: runId, in: db)
            var existing = try TemplifyRepository.existing(run: runId, seed: seed, in: db)
            var replaced = 0
            if replace {
                replaced = try TemplifyRepository.deleteTexts(run: runId, seed: seed, in: db)
                existing = [:]
            }
            var summary = Summary(run: runId, seed: seed, chains: chains.count, written: 0, kept: 0, replaced: replaced,
                                  templatesAdded: loaded.added, modes: [:], inverted: 0, characters: 0, seconds: 0)
            for chain in chains {
                let rendered = try TemplifyRenderer.templify(chain, catalog: loaded.catalog, seed: seed)
                summary.modes[rendered.choices.mode.rawValue, default: 0] += 1
                if rendered.choices.inverted { summary.inverted += 1 }
                summary.characters += rendered.text.utf8.count
                if let stored = existing[chain.firstRequestId] {
                    guard stored.sha256 == TemplifyRepository.textHash(rendered.text) else {
                        throw TemplateError.changedRendering(run: runId, seed: seed, firstRequestId: chain.firstRequestId)
                    }
                    summary.kept += 1
                } else {
                    try TemplifyRepository.insert(rendered, chain: chain, run: runId, seed: seed, in: db)
                    summary.written += 1
                }
            }
            summary.seconds = Date().timeIntervalSince(start)
            return summary
        }
    }
}
