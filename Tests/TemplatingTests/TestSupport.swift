import Corpus
import Foundation
import GRDB
import Randomness
import Store
import Synthesis
import SynthesizerText
@testable import Templating

/// A fresh temporary directory for one test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ipt-templify-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Synthetic synthesizer output for text number `index`: `count` pairs cycling through every
/// kind (plain, options, chain of thought, options + chain of thought, a "none of the above"
/// option, and an unusable pair when `withUnusable`), each with unique wording so tests can
/// find every piece in the rendered text.
func syntheticPairs(index: Int, count: Int, withUnusable: Bool = false) -> [QAPair] {
    var pairs: [QAPair] = []
    for k in 0..<count {
        let tag = "t\(index)p\(k)"
        switch k % 5 {
        case 0:
            pairs.append(QAPair(question: "What is plain \(tag)?", answer: "plain answer \(tag)"))
        case 1:
            pairs.append(QAPair(question: "Which option \(tag)?\nOptions:\n- red \(tag)\n- green \(tag)\n- blue \(tag)",
                                answer: "green \(tag)"))
        case 2:
            pairs.append(QAPair(question: "Why \(tag)?\nLet's think step by step.",
                                answer: "Because reason \(tag) holds.\nTherefore, the answer is cot answer \(tag)"))
        case 3:
            pairs.append(QAPair(question: "Pick and reason \(tag)?\nOptions:\n- yes \(tag)\n- no \(tag)\nLet's think step by step.",
                                answer: "Reasoning \(tag) says so.\nTherefore, the answer is no \(tag)"))
        default:
            pairs.append(QAPair(question: "Which holds \(tag)?\nOptions:\n- one \(tag)\n- two \(tag)\n- none of the above",
                                answer: "none of the above"))
        }
    }
    if withUnusable {
        pairs.append(QAPair(question: "Broken \(index)?\nLet's think step by step.", answer: "no therefore here \(index)"))
    }
    return pairs
}

/// A chain of `entries` entries with `pairs` synthetic pairs each (ids from `firstId`).
func syntheticChain(firstId: Int64, entries: Int, pairs: Int, withUnusable: Bool = false) -> TemplifyChain {
    var pairId = firstId * 100
    return TemplifyChain(entries: (0..<entries).map { e in
        let index = Int(firstId) * 10 + e
        let entryPairs = syntheticPairs(index: index, count: pairs, withUnusable: withUnusable).map { pair -> TemplifyPair in
            pairId += 1
            return TemplifyPair(id: pairId, pair: pair)
        }
        return TemplifyEntry(requestId: firstId + Int64(e), rawTextId: Int64(index), text: "Raw text number \(index).\nIt has two lines.",
                             pairs: entryPairs)
    })
}

/// A synthesizer that writes `syntheticPairs` for each reading: text "doc N" gets N % 6 pairs
/// (so some texts get none), and every seventh text an unusable pair too.
struct SyntheticSynthesizer: Synthesizer {
    var reference: String { "synthetic" }

    func complete(_ prompts: [SynthesisPrompt], parameters: SamplingParameters) throws -> [Result<Completion, CompletionFailure>] {
        prompts.map { prompt in
            let reading = PythonString.split(prompt.prompt, on: "<s> <CON> ").last ?? ""
            let text = PythonString.split(reading, on: " </CON>").first ?? ""
            let number = Int(text.split(separator: " ").last ?? "") ?? 0
            let pairs = syntheticPairs(index: number, count: number % 6, withUnusable: number % 7 == 0)
            let output = pairs.map { "<QUE> \($0.question) <ANS> \($0.answer) </END>" }.joined(separator: "\n\n")
            return .success(Completion(text: output))
        }
    }
}

/// A database with `count` raw texts "doc 1" … "doc N" and a finished two-round synthesis run
/// by `SyntheticSynthesizer`; returns the store and the run id.
func makeSynthesizedStore(count: Int, rounds: Int = 2, in directory: URL, name: String = "templify.db") throws -> (Store, Int64) {
    let store = try Store.open(path: directory.appendingPathComponent(name).path)
    try store.write { db in
        let source = try CorpusRepository.source(named: "test", in: db)
        for number in 1...count {
            _ = try CorpusRepository.insertRawText(text: "doc \(number)", externalId: nil, sourceId: source.id, ingestId: nil,
                                                   split: .train, in: db)
        }
    }
    var setup = SynthRunSetup(backend: .miner, backendReference: "synthetic", rounds: rounds,
                              limits: ChainLimits(maxModelLength: 4096, maxNewTokens: 400))
    setup.seed = 7
    let runId = try store.write { db in try SynthesisRepository.createRun(setup, in: db) }
    _ = try SynthesisWorker(store: store, run: runId, synthesizer: SyntheticSynthesizer(), batchSize: 16).work()
    return (store, runId)
}

/// The catalog files of `templates/`, as embedded.
var catalogFiles: [(name: String, contents: String)] { EmbeddedTemplates.files }
