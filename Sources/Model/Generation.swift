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
    /// Most sequences decoded together; more prompts wait for a free slot.
    public var maxBatch: Int = 16
    /// Most prompt tokens run through the model in one step.
    public var prefillChunk: Int = 512

    public init(maxNewTokens: Int) {
        self.maxNewTokens = maxNewTokens
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
        let sampler = Sampler(temperature: parameters.temperature, topP: parameters.topP)
        let V = config.vocabSize

        struct Running {
            var sequence: Int
            var length: Int
            var generated: [Int32] = []
            var rng: SeededGenerator
        }
        var outputs = [[Int32]](repeating: [], count: prompts.count)
        var running = [Running?](repeating: nil, count: slotCount)
        var nextPrompt = 0

        /// Appends a sampled token; returns true when the sequence is finished.
        func accept(_ token: Int32, slot: Int) -> Bool {
            guard var state = running[slot] else { return true }
            state.generated.append(token)
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
                    let token = sampler.pick(from: logits, using: &state.rng)
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
                let token = sampler.pick(from: UnsafeBufferPointer(rebasing: logits[(r * V)..<((r + 1) * V)]), using: &state.rng)
                running[slot] = state
                if accept(token, slot: slot) { finish(slot: slot) }
            }
            try admit()
        }
        return outputs
    }
}
