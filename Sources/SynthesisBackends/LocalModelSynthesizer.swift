import Synthesis
import Foundation
import Model
import SynthesizerText
import Tokenization

/// The local-model backend (`--backend model:DIR`): a Hugging Face-format checkpoint directory
/// (config.json, model.safetensors, tokenizer.json — as `ipt model init`, `ipt train --mode
/// synthesizer` or transformers write them) run in this process with the Model target's batched
/// key/value-cache generation.
///
/// Per batch: every prompt is tokenized with the directory's tokenizer.json — the leading `<s>`
/// of the synthesizer format is an added token and becomes the one BOS id (no second BOS is
/// added) — and all prompts are generated together for up to max_new_tokens at the run's
/// temperature and top-p (the answers, from `<ANS>` to `</END>`, at the run's answer temperature
/// when it has one). Request i samples from
/// SeededGenerator(seed: run seed, stream: raw text id), so outputs do not depend on how the
/// queue batches requests. A sequence ends at the `</s>` token (or at any other stop string of
/// the run); the stop is not part of the text, as with OpenAI-compatible servers, but counts as
/// a completion token, as vLLM counts it.
///
/// Prompts longer than max_model_len - max_new_tokens tokens (the planner only estimates
/// lengths from words) are truncated from the left, keeping `<s>`: the end of the prompt —
/// the current reading and the `</CON>` that cues the pairs — survives, and in multi-round
/// prompts the oldest prepended entries go first. The truncation is recorded with the request
/// (its `last_error` provenance), and `prompt_tokens` counts what the model actually read.
///
///     let synthesizer = try LocalModelSynthesizer(directory: "models/synth", maxModelLength: 2048)
///     let results = try synthesizer.complete([SynthesisPrompt(stream: 1, prompt: SynthesizerFormat.read("Cats purr."))],
///                                            parameters: SamplingParameters(maxNewTokens: 200, temperature: 0, seed: 0))
public final class LocalModelSynthesizer: Synthesizer, @unchecked Sendable {
    public let directory: String
    /// The run's max_model_len, capped at the model's max_position_embeddings.
    public let maxModelLength: Int
    /// Most sequences decoded at once (the key/value cache holds this many).
    public let maxBatch: Int
    let model: DecoderModel
    let tokenizer: Tokenizer
    let beginOfSequenceId: Int32
    let endOfSequenceId: Int32
    /// The tokenizer keeps a cache and the model's generation is not reentrant: one batch at a time.
    private let lock = NSLock()

    public init(directory: String, maxModelLength: Int, maxBatch: Int = 32) throws {
        self.directory = directory
        self.maxBatch = max(1, maxBatch)
        model = try DecoderModel.load(directory: directory)
        let path = directory + "/tokenizer.json"
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw SynthesisError.unusableModel(directory: directory, reason: "no tokenizer.json in it; copy the tokenizer the model was trained with there (`ipt tokenizer export NAME --out \(path)`)")
        }
        let tokenizer = try Tokenizer(json: Array(bytes), origin: path)
        func addedId(_ content: String) throws -> Int32 {
            guard let token = tokenizer.addedTokens.first(where: { $0.content == content }) else {
                throw SynthesisError.unusableModel(directory: directory, reason: "\(path) has no added token \(content); the synthesizer format needs <s> and </s> as special tokens")
            }
            return Int32(token.id)
        }
        beginOfSequenceId = try addedId(SynthesizerFormat.beginOfSequence)
        endOfSequenceId = try addedId(SynthesizerFormat.endOfSequence)
        guard tokenizer.vocabularySize <= model.config.vocabSize else {
            throw SynthesisError.unusableModel(directory: directory, reason: "\(path) has \(tokenizer.vocabularySize) ids but config.json's vocab_size is \(model.config.vocabSize); use the tokenizer the model was trained with")
        }
        self.tokenizer = tokenizer
        self.maxModelLength = min(maxModelLength, model.config.maxPositions)
    }

    public var reference: String { "model:" + directory }

    public func complete(_ prompts: [SynthesisPrompt], parameters: SamplingParameters) throws -> [Result<Completion, CompletionFailure>] {
        lock.lock()
        defer { lock.unlock() }
        guard !prompts.isEmpty else { return [] }
        let budget = maxModelLength - parameters.maxNewTokens
        guard budget >= 2 else {
            throw SynthesisError.unusableModel(directory: directory, reason: "max-new-tokens \(parameters.maxNewTokens) leaves no room for a prompt within max-model-len \(maxModelLength) (the model's max_position_embeddings is \(model.config.maxPositions)); lower --max-new-tokens")
        }
        let inputs = prompts.map { promptIds($0.prompt, budget: budget) }

        var generation = GenerationParameters(maxNewTokens: parameters.maxNewTokens)
        generation.temperature = Float(parameters.temperature)
        generation.topP = Float(parameters.topP)
        generation.span = parameters.answerTemperature.map {
            TemperatureSpan(opener: SynthesizerFormat.answerTag, closer: SynthesizerFormat.endTag, temperature: Float($0))
        }
        generation.seed = UInt64(bitPattern: parameters.seed)
        generation.streams = prompts.map { UInt64(bitPattern: $0.stream) }
        generation.maxBatch = maxBatch
        // A stop string that is one token (`</s>`) stops on its id; longer ones are matched in
        // the decoded text.
        let stopTokens = stopTokenIds(parameters.stop)
        generation.stopTokenIds = stopTokens.ids
        generation.stopStrings = stopTokens.strings
        let outputs = try model.generate(prompts: inputs.map(\.ids), parameters: generation, detokenize: { self.decode($0) })

        return zip(inputs, outputs).map { input, generated in
            var text: String
            var finishReason = "length"
            if let last = generated.last, generation.stopTokenIds.contains(last) {
                text = decode(Array(generated.dropLast()))
                finishReason = "stop"
            } else {
                text = decode(generated)
            }
            // Any stop string, also one spelled out of several tokens, ends the text.
            if let cut = parameters.stop.filter({ !$0.isEmpty }).compactMap({ text.range(of: $0)?.lowerBound }).min() {
                text = String(text[..<cut])
                finishReason = "stop"
            }
            let note = input.dropped > 0
                ? "prompt truncated from the left: \(input.dropped) of \(input.dropped + input.ids.count) tokens dropped to fit max-model-len \(maxModelLength) - max-new-tokens \(parameters.maxNewTokens)"
                : nil
            return .success(Completion(text: text, promptTokens: input.ids.count, completionTokens: generated.count,
                                       finishReason: finishReason, recoveredFrom: note))
        }
    }

    /// A prompt's token ids, at most `budget` of them, starting with the one BOS id; `dropped`
    /// counts the tokens truncation removed after it.
    func promptIds(_ prompt: String, budget: Int) -> (ids: [Int32], dropped: Int) {
        var ids = tokenizer.encode(prompt).map { Int32(bitPattern: $0) }
        // Prompts of the synthesizer format start with `<s>`; one that does not still gets the
        // BOS the model was trained to read first.
        if ids.first != beginOfSequenceId { ids.insert(beginOfSequenceId, at: 0) }
        guard ids.count > budget else { return (ids, 0) }
        return ([beginOfSequenceId] + ids.suffix(budget - 1), ids.count - budget)
    }

    /// The stop strings that are a single token of the tokenizer, as ids; the rest as strings.
    func stopTokenIds(_ stops: [String]) -> (ids: [Int32], strings: [String]) {
        var ids: [Int32] = [], strings: [String] = []
        for stop in stops where !stop.isEmpty {
            let encoded = tokenizer.encode(stop)
            if encoded.count == 1 { ids.append(Int32(bitPattern: encoded[0])) } else { strings.append(stop) }
        }
        return (ids, strings)
    }

    /// The text of generated ids. Ids the model has but the tokenizer does not (a vocabulary
    /// padded past the tokenizer's) are skipped, as Hugging Face tokenizers' decode skips them.
    func decode(_ ids: [Int32]) -> String {
        let known = ids.compactMap { id -> UInt32? in
            guard id >= 0, Int(id) < tokenizer.vocabularySize, tokenizer.tokens[Int(id)] != nil else { return nil }
            return UInt32(id)
        }
        return (try? tokenizer.decode(known)) ?? ""
    }
}
