import Randomness

/// How `generate` continues prompts: sampling, limits and stop conditions.
///
///     var parameters = GenerationParameters(maxNewTokens: 256)
///     parameters.temperature = 0.7; parameters.topP = 0.9; parameters.seed = 42
///     parameters.stopTokenIds = [2]; parameters.stopStrings = ["</s>"]
public struct GenerationParameters: Sendable {
    public var maxNewTokens: Int
    /// 0 means greedy.
    public var temperature: Float = 0
    public var topP: Float = 1
    /// Sequence i samples from SeededGenerator(seed: seed, stream: streams?[i] ?? i), so results
    /// do not depend on batching.
    public var seed: UInt64 = 0
    /// A generated token in this list ends its sequence (and is kept as its last token).
    public var stopTokenIds: [Int32] = []
    /// A sequence ends once its new tokens end with one of these token sequences.
    public var stopSequences: [[Int32]] = []
    /// A sequence ends once the detokenized new tokens contain one of these strings
    /// (needs the `detokenize` closure of `generate`).
    public var stopStrings: [String] = []
    /// The sampling stream of each prompt, when it must not be the prompt's index (a caller
    /// that batches requests seeds each by its own id so outputs do not depend on batching).
    public var streams: [UInt64]? = nil
    /// A part of each output decoded at its own temperature (needs the `detokenize` closure of
    /// `generate`); nil decodes everything at `temperature`.
    public var span: TemperatureSpan? = nil
    /// Most sequences decoded together; more prompts wait for a free slot.
    public var maxBatch: Int = 16
    /// Most prompt tokens run through the model in one step.
    public var prefillChunk: Int = 512

    public init(maxNewTokens: Int) {
        self.maxNewTokens = maxNewTokens
    }
}

/// The parts of a generated sequence decoded at their own temperature: a span opens where the
/// new text contains `opener` and closes at the next `closer`. The synthesizer's answers, say,
/// decoded greedily while its questions are sampled:
///
///     parameters.span = TemperatureSpan(opener: "<ANS>", closer: "</END>", temperature: 0)
public struct TemperatureSpan: Sendable, Equatable {
    public var opener: String
    public var closer: String
    public var temperature: Float

    public init(opener: String, closer: String, temperature: Float) {
        self.opener = opener
        self.closer = closer
        self.temperature = temperature
    }

    /// Whether a sequence whose new text is `text` is inside a span: an opener comes after the last closer.
    func isOpen(after text: String) -> Bool {
        guard let opened = text.range(of: opener, options: .backwards) else { return false }
        guard let closed = text.range(of: closer, options: .backwards) else { return true }
        return opened.lowerBound > closed.lowerBound
    }
}

extension DecoderModel {
    /// Continues every prompt and returns each one's new tokens (stop token included, as
    /// transformers does). Many prompts of different lengths run together: prompt tokens are
    /// packed into shared prefill steps, then each decode step advances all active sequences
    /// as one batch; a finished sequence's slot goes to the next waiting prompt.
    ///
    ///     let outputs = try model.generate(prompts: [[0, 5, 9], [0, 7]], parameters: GenerationParameters(maxNewTokens: 32))
    public func generate(prompts: [[Int32]], parameters: GenerationParameters, detokenize: (([Int32]) -> String)? = nil) throws(ModelError) -> [[Int32]] {
        guard !prompts.isEmpty, parameters.maxNewTokens > 0 else { return prompts.map { _ in [] } }
        if let index = prompts.firstIndex(where: \.isEmpty) { throw .invalidInput(reason: "generate: prompt \(index) is empty") }
        if !parameters.stopStrings.isEmpty && detokenize == nil {
            throw .invalidInput(reason: "generate: stop strings need a detokenize closure")
        }
        if let span = parameters.span {
            guard detokenize != nil else { throw .invalidInput(reason: "generate: a temperature span needs a detokenize closure") }
            guard !span.opener.isEmpty, !span.closer.isEmpty else { throw .invalidInput(reason: "generate: a temperature span needs a non-empty opener and closer") }
        }
        if let streams = parameters.streams, streams.count != prompts.count {
            throw .invalidInput(reason: "generate: \(streams.count) sampling streams for \(prompts.count) prompts")
        }
        let longest = prompts.map(\.count).max() ?? 0
        guard longest < config.maxPositions else {
            throw .invalidInput(reason: "generate: a prompt of \(longest) tokens leaves no room within max_position_embeddings \(config.maxPositions)")
        }
        let slotCount = min(max(parameters.maxBatch, 1), prompts.count)
        let chunk = max(parameters.prefillChunk, slotCount)
        let session = try InferenceSession(model: self, slotCount: slotCount, capacity: longest + parameters.maxNewTokens, maxTokensPerStep: chunk)
        let outsideSpan = Sampler(temperature: parameters.temperature, topP: parameters.topP)
        let insideSpan = Sampler(temperature: parameters.span?.temperature ?? parameters.temperature, topP: parameters.topP)
        // Only a token whose text holds a marker's last character can complete the marker, so
        // the whole new text is decoded again only after such a token.
        let spanFinalCharacters = parameters.span.map { Set([$0.opener.last, $0.closer.last].compactMap { $0 }) } ?? []
        let V = config.vocabSize

        struct Running {
            var sequence: Int
            var length: Int
            var generated: [Int32] = []
            var rng: SeededGenerator
            var inSpan = false
        }
        var outputs = [[Int32]](repeating: [], count: prompts.count)
        var running = [Running?](repeating: nil, count: slotCount)
        var nextPrompt = 0

        /// Appends a sampled token; returns true when the sequence is finished.
        func accept(_ token: Int32, slot: Int) -> Bool {
            guard var state = running[slot] else { return true }
            state.generated.append(token)
            if let span = parameters.span, let detokenize, detokenize([token]).contains(where: spanFinalCharacters.contains) {
                state.inSpan = span.isOpen(after: detokenize(state.generated))
            }
            running[slot] = state
            if state.generated.count >= parameters.maxNewTokens || state.length >= session.capacity { return true }
            if parameters.stopTokenIds.contains(token) { return true }
            for stop in parameters.stopSequences where !stop.isEmpty && state.generated.count >= stop.count {
                if Array(state.generated.suffix(stop.count)) == stop { return true }
            }
            if let detokenize, !parameters.stopStrings.isEmpty {
                let text = detokenize(state.generated)
                if parameters.stopStrings.contains(where: { !$0.isEmpty && text.contains($0) }) { return true }
            }
            return false
        }
        func finish(slot: Int) {
            guard let state = running[slot] else { return }
            outputs[state.sequence] = state.generated
            running[slot] = nil
        }

        /// Fills free slots with waiting prompts and prefills them, packed into shared steps.
        func admit() throws(ModelError) {
            while nextPrompt < prompts.count, running.contains(where: { $0 == nil }) {
                var admitted: [(slot: Int, tokens: [Int32])] = []
                for slot in 0..<slotCount where running[slot] == nil && nextPrompt < prompts.count {
                    running[slot] = Running(sequence: nextPrompt, length: prompts[nextPrompt].count,
                                            rng: SeededGenerator(seed: parameters.seed, stream: parameters.streams?[nextPrompt] ?? UInt64(nextPrompt)))
                    admitted.append((slot, prompts[nextPrompt]))
                    nextPrompt += 1
                }
                try session.prefill(admitted) { slot, logits in
                    guard var state = running[slot] else { return }
                    let token = (state.inSpan ? insideSpan : outsideSpan).pick(from: logits, using: &state.rng)
                    running[slot] = state
                    if accept(token, slot: slot) { finish(slot: slot) }
                }
            }
        }

        try admit()
        while running.contains(where: { $0 != nil }) {
            var tokens: [Int32] = [], slots: [Int] = [], positions: [Int] = []
            for slot in 0..<slotCount {
                guard let state = running[slot], let last = state.generated.last else { continue }
                tokens.append(last)
                slots.append(slot)
                positions.append(state.length)
            }
            let logits = try session.step(tokens: tokens, slots: slots, positions: positions, logitRows: Array(0..<tokens.count))
            for (r, slot) in slots.enumerated() {
                guard var state = running[slot] else { continue }
                state.length += 1
                let token = (state.inSpan ? insideSpan : outsideSpan).pick(from: UnsafeBufferPointer(rebasing: logits[(r * V)..<((r + 1) * V)]), using: &state.rng)
                running[slot] = state
                if accept(token, slot: slot) { finish(slot: slot) }
            }
            try admit()
        }
        return outputs
    }
}
