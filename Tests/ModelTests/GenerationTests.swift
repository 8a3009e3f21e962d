import Testing
@testable import Model

@Suite struct GenerationTests {
    static let prompts: [[Int32]] = [[0, 5, 9], [0, 7], [3, 3, 3, 3, 3, 3, 8], [0], [12, 30, 2, 2]]

    @Test func batchedGenerationEqualsOneByOne() throws {
        let model = try tinyModel(seed: 3)
        for temperature in [0, 1.0] as [Float] {
            var parameters = GenerationParameters(maxNewTokens: 9)
            parameters.temperature = temperature
            parameters.topP = 0.9
            parameters.seed = 99
            parameters.maxBatch = 2  // fewer slots than prompts: finished slots are reused
            parameters.prefillChunk = 5  // prompts split across prefill steps
            let batched = try model.generate(prompts: Self.prompts, parameters: parameters)
            for (index, prompt) in Self.prompts.enumerated() {
                var single = parameters
                single.maxBatch = 1
                // One-by-one: sequence i must still draw from stream i, so run it at its index.
                let alone = try model.generate(prompts: Array(Self.prompts[0...index]), parameters: single)[index]
                #expect(batched[index] == alone, "prompt \(index) \(prompt) temperature \(temperature)")
                #expect(batched[index].count == 9)
            }
        }
    }

    @Test func greedyContinuesWithTheFullForwardArgmax() throws {
        let model = try tinyModel(seed: 4)
        var sequence: [Int32] = [0, 5, 9]
        let generated = try model.generate(prompts: [sequence], parameters: GenerationParameters(maxNewTokens: 6))[0]
        for token in generated {
            let last = try model.logits(sequence: sequence).last ?? []
            #expect(Int32(last.indices.max { last[$0] < last[$1] } ?? -1) == token)
            sequence.append(token)
        }
    }

    @Test func samplingIsDeterministicPerSeed() throws {
        let model = try tinyModel(seed: 3, std: 0.1)
        var parameters = GenerationParameters(maxNewTokens: 12)
        parameters.temperature = 1.5
        parameters.seed = 1
        let first = try model.generate(prompts: Self.prompts, parameters: parameters)
        #expect(try model.generate(prompts: Self.prompts, parameters: parameters) == first)
        parameters.seed = 2
        #expect(try model.generate(prompts: Self.prompts, parameters: parameters) != first)
    }

    @Test func stopConditions() throws {
        let model = try tinyModel(seed: 3)
        let free = try model.generate(prompts: [[0, 5]], parameters: GenerationParameters(maxNewTokens: 8))[0]
        #expect(free.count == 8)
        var parameters = GenerationParameters(maxNewTokens: 8)
        parameters.stopTokenIds = [free[2]]
        let firstStop = free.firstIndex(of: free[2]) ?? 2
        #expect(try model.generate(prompts: [[0, 5]], parameters: parameters)[0] == Array(free[0...firstStop]))
        parameters.stopTokenIds = []
        parameters.stopSequences = [[free[3], free[4]]]
        let output = try model.generate(prompts: [[0, 5]], parameters: parameters)[0]
        #expect(output.count <= 5 && Array(output.suffix(2)) == [free[3], free[4]])
        parameters.stopSequences = []
        parameters.stopStrings = ["<\(free[1])>"]
        let detokenize: ([Int32]) -> String = { $0.map { "<\($0)>" }.joined() }
        let stopped = try model.generate(prompts: [[0, 5]], parameters: parameters, detokenize: detokenize)[0]
        #expect(stopped == Array(free[0...(free.firstIndex(of: free[1]) ?? 1)]))
        #expect(throws: ModelError.self) { try model.generate(prompts: [[0, 5]], parameters: parameters) }
        #expect(throws: ModelError.self) { try model.generate(prompts: [[0, 99]], parameters: GenerationParameters(maxNewTokens: 2)) }
    }

    /// Inside a span (after an opener, up to the next closer) tokens are the span temperature's
    /// (here greedy: the full forward pass's argmax); outside they are sampled.
    @Test func aTemperatureSpanDecodesItsPartGreedily() throws {
        let model = try tinyModel(seed: 3, std: 0.1)
        // Tokens render as "{" (opens), "}" (closes) or "." by their id, so spans open and close often.
        let detokenize: ([Int32]) -> String = { $0.map { ["{", "}", "."][Int($0) % 3] }.joined() }
        var parameters = GenerationParameters(maxNewTokens: 16)
        parameters.temperature = 2
        parameters.seed = 5
        parameters.span = TemperatureSpan(opener: "{", closer: "}", temperature: 0)
        let outputs = try model.generate(prompts: Self.prompts, parameters: parameters, detokenize: detokenize)
        var greedyInSpan = 0, sampledOutside = 0
        for (prompt, output) in zip(Self.prompts, outputs) {
            var sequence = prompt
            for (index, token) in output.enumerated() {
                let logits = try model.logits(sequence: sequence).last ?? []
                let argmax = Int32(logits.indices.max { logits[$0] < logits[$1] } ?? -1)
                if parameters.span?.isOpen(after: detokenize(Array(output[..<index]))) == true {
                    #expect(token == argmax, "prompt \(prompt), token \(index)")
                    greedyInSpan += 1
                } else if token != argmax {
                    sampledOutside += 1
                }
                sequence.append(token)
            }
        }
        #expect(greedyInSpan >= 5 && sampledOutside >= 5)
        // Without a detokenize closure nothing can find the span's markers.
        #expect(throws: ModelError.self) { try model.generate(prompts: Self.prompts, parameters: parameters) }
    }
}
