import Testing
@testable import Model

@Suite struct InferenceTests {
    @Test func kvCacheDecodeMatchesFullForward() throws {
        for window in [nil, 3] as [Int?] {
            let model = try tinyModel(window: window)
            let sequence: [Int32] = [0, 5, 9, 13, 2, 30, 7, 7, 21, 4]
            let full = try model.logits(sequence: sequence)
            // Prefill the first 4 tokens in one step, then decode one token at a time.
            let session = try InferenceSession(model: model, slotCount: 2, capacity: 16)
            var cached: [[Float]] = []
            let prefill = try session.step(tokens: Array(sequence[0..<4]), slots: [1, 1, 1, 1], positions: [0, 1, 2, 3], logitRows: [0, 1, 2, 3])
            for r in 0..<4 { cached.append(Array(prefill[(r * 37)..<((r + 1) * 37)])) }
            for position in 4..<sequence.count {
                let logits = try session.step(tokens: [sequence[position]], slots: [1], positions: [position], logitRows: [0])
                cached.append(Array(logits))
            }
            for position in 0..<sequence.count {
                #expect(maxAbsDifference(full[position], cached[position]) < 1e-4, "window \(String(describing: window)) position \(position)")
            }
        }
    }
}
