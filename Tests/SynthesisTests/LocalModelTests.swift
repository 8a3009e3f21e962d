import Foundation
import GRDB
import Model
import Store
import SynthesizerText
import Testing
import Tokenization
@testable import Synthesis
@testable import SynthesisBackends

/// A tiny random checkpoint in Hugging Face format: config.json + model.safetensors from the
/// Model target, tokenizer.json from a byte-level BPE trained on the texts.
func tinyCheckpoint(texts: [String], specialTokens: [String] = ["<s>", "</s>", "<unk>"], seed: UInt64 = 3,
                    maxPositions: Int = 128, silent: Bool = false) throws -> String {
    var counts = WordCounts()
    for text in texts { counts.add(text: SynthesizerFormat.read(text)) }
    let tokenizer = try BPETrainer(vocabularySize: 300, specialTokens: specialTokens).train(counts)
    let config = ModelConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 16, intermediateSize: 24, layerCount: 2,
                             headCount: 4, kvHeadCount: 2, maxPositions: maxPositions)
    let model = try DecoderModel(config: config)
    model.randomize(seed: seed, standardDeviation: 0.3)
    if silent, let norm = model.parameter(named: "model.norm.weight") {
        // All logits equal: greedy decoding picks id 0.
        norm.update(repeating: 0)
    }
    let directory = try temporaryDirectory().path
    try model.save(directory: directory)
    try tokenizer.jsonText().write(toFile: directory + "/tokenizer.json", atomically: true, encoding: .utf8)
    return directory
}

@Suite struct LocalModelTests {
    static let texts = [
        "Cats purr when they are content.",
        "The river floods every spring after the snow melts.",
        "Bread rises because yeast makes gas.",
        "Copper conducts electricity well.",
        "Owls hunt at night and sleep by day.",
        "A prism splits white light into colours.",
        "Bees make honey from the nectar of flowers.",
    ]
    static let limits = ChainLimits(maxModelLength: 128, maxNewTokens: 20)

    func setup(_ reference: String, temperature: Double, topP: Double = 1, seed: Int64, rounds: Int = 1) -> SynthRunSetup {
        var setup = SynthRunSetup(backend: .model, backendReference: reference, rounds: rounds, limits: Self.limits)
        setup.temperature = temperature
        setup.topP = topP
        setup.seed = seed
        return setup
    }

    /// Runs one run through the queue; returns its outputs by raw text id.
    func run(_ store: Store, _ synthesizer: LocalModelSynthesizer, temperature: Double, topP: Double = 1, seed: Int64, batchSize: Int,
             rounds: Int = 1) throws -> (runId: Int64, outputs: [Int64: String]) {
        let runId = try store.write { db in
            try SynthesisRepository.createRun(setup(synthesizer.reference, temperature: temperature, topP: topP, seed: seed, rounds: rounds), in: db)
        }
        try SynthesisWorker(store: store, run: runId, synthesizer: synthesizer, batchSize: batchSize).work()
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT raw_text_id, output FROM synth_requests WHERE run_id = ?", arguments: [runId])
        }
        var outputs: [Int64: String] = [:]
        for row in rows { outputs[row["raw_text_id"]] = row["output"] }
        return (runId, outputs)
    }

    @Test func runThroughTheQueueStoresOutputsTokenCountsAndParsedPairs() throws {
        let directory = try tinyCheckpoint(texts: Self.texts)
        let synthesizer = try LocalModelSynthesizer(directory: directory, maxModelLength: Self.limits.maxModelLength)
        let store = try makeStore(texts: Self.texts, in: try temporaryDirectory())
        let (runId, _) = try run(store, synthesizer, temperature: 0.8, seed: 5, batchSize: 3, rounds: 2)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT q.prompt, q.output, q.status, q.attempts, q.prompt_tokens, q.completion_tokens, q.finish_reason,
                       (SELECT count(*) FROM instruction_pairs p WHERE p.request_id = q.id) AS pairs
                FROM synth_requests q WHERE run_id = ? ORDER BY raw_text_id
                """, arguments: [runId])
        }
        #expect(rows.count == Self.texts.count)
        let tokenizer = try Tokenizer(json: Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/tokenizer.json"))), origin: "test")
        for row in rows {
            #expect(row["status"] as String == "done")
            #expect(row["attempts"] as Int == 1)
            let prompt: String = row["prompt"]
            // `<s>` at the start is the one BOS: the count is the tokenizer's (second-round
            // prompts beyond max-model-len - max-new-tokens are cut to that).
            let budget = Self.limits.maxModelLength - Self.limits.maxNewTokens
            #expect(row["prompt_tokens"] as Int == min(tokenizer.encode(prompt).count, budget))
            let completionTokens: Int = row["completion_tokens"]
            #expect((1...Self.limits.maxNewTokens).contains(completionTokens))
            let finish: String = row["finish_reason"]
            #expect(finish == "stop" || (finish == "length" && completionTokens == Self.limits.maxNewTokens))
            let output: String = row["output"]
            #expect(!output.contains(SynthesizerFormat.endOfSequence))
            #expect(row["pairs"] as Int == SynthesizerOutputParser.parse(output).count)
        }
        let progress = try store.read { db in try SynthesisRepository.progress(run: runId, in: db) }
        #expect(progress.requestsDone == Self.texts.count)
        #expect(progress.promptTokens == rows.map { $0["prompt_tokens"] as Int }.reduce(0, +))
        #expect(progress.completionTokens == rows.map { $0["completion_tokens"] as Int }.reduce(0, +))
    }

    @Test func samplingIsSeededPerRequestAndBatchingDoesNotChangeOutputs() throws {
        let directory = try tinyCheckpoint(texts: Self.texts)
        let synthesizer = try LocalModelSynthesizer(directory: directory, maxModelLength: Self.limits.maxModelLength)
        let store = try makeStore(texts: Self.texts, in: try temporaryDirectory())
        let first = try run(store, synthesizer, temperature: 1, seed: 11, batchSize: 4).outputs
        let again = try run(store, synthesizer, temperature: 1, seed: 11, batchSize: 3).outputs
        let otherSeed = try run(store, synthesizer, temperature: 1, seed: 12, batchSize: 4).outputs
        #expect(first.count == Self.texts.count)
        #expect(again == first)
        #expect(otherSeed != first)

        let greedyBatched = try run(store, synthesizer, temperature: 0, seed: 0, batchSize: 7).outputs
        let greedyAlone = try run(store, synthesizer, temperature: 0, seed: 0, batchSize: 1).outputs
        let greedyOtherSeed = try run(store, synthesizer, temperature: 0, seed: 99, batchSize: 2).outputs
        #expect(greedyBatched == greedyAlone)
        #expect(greedyOtherSeed == greedyAlone)
        #expect(greedyBatched != first)

        // The run's top-p is recorded and applied: a nucleus this small keeps only the most
        // likely token, so sampling at temperature 1 becomes greedy.
        let (nucleusRun, nucleus) = try run(store, synthesizer, temperature: 1, topP: 1e-6, seed: 11, batchSize: 4)
        #expect(nucleus == greedyAlone)
        #expect(try store.read { db in try Double.fetchOne(db, sql: "SELECT top_p FROM synth_runs WHERE id = ?", arguments: [nucleusRun]) } == 1e-6)
    }

    @Test func theAnswerTemperatureIsRecordedAndOnlyLocalModelsTakeOne() throws {
        let directory = try tinyCheckpoint(texts: Self.texts)
        let synthesizer = try LocalModelSynthesizer(directory: directory, maxModelLength: Self.limits.maxModelLength)
        let store = try makeStore(texts: Self.texts, in: try temporaryDirectory())
        var answersGreedy = setup(synthesizer.reference, temperature: 0.7, seed: 3)
        answersGreedy.answerTemperature = 0
        let runId = try answersGreedy.createRun(store: store)
        let run = try store.read { db in try SynthRun.fetchOne(db, key: runId) }
        #expect(run?.answerTemperature == 0)
        #expect(run?.parameters.answerTemperature == 0 && run?.parameters.temperature == 0.7)
        let plain = try setup(synthesizer.reference, temperature: 0.7, seed: 3).createRun(store: store)
        #expect(try store.read { db in try SynthRun.fetchOne(db, key: plain) }?.answerTemperature == nil)

        // An answer temperature equal to the run's changes nothing the model writes.
        let sampled = SamplingParameters(maxNewTokens: 20, temperature: 1, seed: 4)
        var same = sampled
        same.answerTemperature = 1
        let prompts = Self.texts.enumerated().map { SynthesisPrompt(stream: Int64($0.offset), prompt: SynthesizerFormat.read($0.element)) }
        let texts = { (results: [Result<Completion, CompletionFailure>]) in results.map { try? $0.get().text } }
        #expect(texts(try synthesizer.complete(prompts, parameters: same)) == texts(try synthesizer.complete(prompts, parameters: sampled)))

        var server = SynthRunSetup(backend: .openai, backendReference: "http://127.0.0.1:9/v1", model: "m", rounds: 1, limits: Self.limits)
        server.temperature = 0.7
        server.answerTemperature = 0
        #expect(throws: SynthesisError.self) { try server.createRun(store: store) }
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM synth_runs") } == 2)
    }

    @Test func longPromptsAreTruncatedFromTheLeftKeepingBOS() throws {
        let directory = try tinyCheckpoint(texts: Self.texts)
        let synthesizer = try LocalModelSynthesizer(directory: directory, maxModelLength: 48)
        let long = SynthesizerFormat.read(Self.texts.joined(separator: " "))
        let parameters = SamplingParameters(maxNewTokens: 8, temperature: 0, seed: 0)
        let (ids, dropped) = synthesizer.promptIds(long, budget: 40)
        let full = synthesizer.tokenizer.encode(long).map { Int32(bitPattern: $0) }
        #expect(full.first == synthesizer.beginOfSequenceId)
        #expect(full.filter { $0 == synthesizer.beginOfSequenceId }.count == 1)
        #expect(ids.count == 40)
        #expect(dropped == full.count - 40)
        #expect(ids == [synthesizer.beginOfSequenceId] + full.suffix(39))

        let results = try synthesizer.complete([SynthesisPrompt(stream: 1, prompt: long),
                                                SynthesisPrompt(stream: 2, prompt: SynthesizerFormat.read("Cats purr."))],
                                               parameters: parameters)
        let truncated = try results[0].get(), short = try results[1].get()
        #expect(truncated.promptTokens == 40)
        #expect(truncated.recoveredFrom?.contains("truncated from the left: \(dropped) of \(full.count) tokens") == true)
        #expect(short.recoveredFrom == nil)
        // Deterministic: the same request gives the same completion.
        let repeated = try synthesizer.complete([SynthesisPrompt(stream: 1, prompt: long)], parameters: parameters)
        #expect(try repeated[0].get() == truncated)
    }

    @Test func generationStopsAtEndOfSequenceWhichIsNotInTheText() throws {
        // `</s>` gets id 0, and a model whose logits are all equal always picks id 0.
        let directory = try tinyCheckpoint(texts: Self.texts, specialTokens: ["</s>", "<s>", "<unk>"], silent: true)
        let synthesizer = try LocalModelSynthesizer(directory: directory, maxModelLength: 128)
        #expect(synthesizer.endOfSequenceId == 0)
        let results = try synthesizer.complete([SynthesisPrompt(stream: 3, prompt: SynthesizerFormat.read("Cats purr."))],
                                               parameters: SamplingParameters(maxNewTokens: 10, temperature: 0, seed: 0))
        #expect(try results[0].get() == Completion(text: "", promptTokens: results[0].get().promptTokens,
                                                   completionTokens: 1, finishReason: "stop"))
    }

    @Test func unusableCheckpointsAreTypedErrorsNamingTheProblem() throws {
        let directory = try tinyCheckpoint(texts: Self.texts)
        try FileManager.default.removeItem(atPath: directory + "/tokenizer.json")
        #expect(throws: SynthesisError.self) { try LocalModelSynthesizer(directory: directory, maxModelLength: 64) }
        do {
            _ = try LocalModelSynthesizer(directory: directory, maxModelLength: 64)
        } catch {
            #expect(error.localizedDescription.contains("no tokenizer.json"))
        }
        #expect(throws: ModelError.self) { try LocalModelSynthesizer(directory: directory + "/missing", maxModelLength: 64) }
        let tight = try LocalModelSynthesizer(directory: try tinyCheckpoint(texts: Self.texts, maxPositions: 16), maxModelLength: 4096)
        #expect(tight.maxModelLength == 16)
        #expect(throws: SynthesisError.self) {
            try tight.complete([SynthesisPrompt(stream: 1, prompt: "<s>")], parameters: SamplingParameters(maxNewTokens: 15, temperature: 0, seed: 0))
        }
    }
}
