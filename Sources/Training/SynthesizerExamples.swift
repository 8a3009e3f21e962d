import Foundation
import Mixing
import Randomness
import Store
import Tokenization

/// Synthesizer fine-tuning data, as the paper builds its instruction synthesizer: each
/// context-based example becomes one one-shot example in the synthesizer format —
/// `<s>` + ` <CON> {text} </CON>\n\n` (the prompt, no loss) followed by
/// `<QUE> {q} <ANS> {a} </END>` pairs joined by `\n\n` and `</s>` (the loss) — and several
/// examples of the same set, in a seeded order, are packed into each sequence. Positions
/// after the last example are padded with `</s>` and carry no loss.
///
///     let data = try SynthesizerExamples.pack(examples: contexts, setIdentity: "tasks", tokenizer: tokenizer,
///                                             sequenceLength: 512, seed: 1)
///     print(data.sequenceCount, data.droppedExamples)
public struct SynthesizerExamples: TrainingData {
    public let sequences: [TrainingSequence]
    public let sequenceLength: Int
    public let identity: String
    /// Examples longer than one sequence, left out.
    public let droppedExamples: Int

    public var sequenceCount: Int { sequences.count }
    public func sequence(_ index: Int) -> TrainingSequence { sequences[index] }

    /// The prompt of one raw text, exactly as the released synthesizer expects it (without `<s>`).
    public static func prompt(context: String) -> String { " <CON> \(context) </CON>\n\n" }

    /// The pairs the synthesizer learns to write.
    public static func completion(pairs: [QAPair]) -> String {
        pairs.map { "<QUE> \($0.question) <ANS> \($0.answer) </END>" }.joined(separator: "\n\n")
    }

    /// One example's tokens and whether each token carries loss.
    static func encode(context: String, pairs: [QAPair], tokenizer: any TextTokenizer, bos: Int32, eos: Int32) -> (tokens: [Int32], isTarget: [Bool]) {
        let prompt = [bos] + tokenizer.encode(prompt(context: context))
        let answer = tokenizer.encode(completion(pairs: pairs)) + [eos]
        return (prompt + answer, Array(repeating: false, count: prompt.count) + Array(repeating: true, count: answer.count))
    }

    public static func pack(examples: [(context: String, pairs: [QAPair])], setIdentity: String, tokenizer: any TextTokenizer,
                            sequenceLength L: Int, seed: UInt64) throws -> SynthesizerExamples {
        let (bos, eos) = try tokenizer.documentDelimiters()
        var rng = SeededGenerator(seed: seed, stream: 0)
        let order = rng.shuffled(Array(examples.indices))
        var sequences: [TrainingSequence] = []
        var tokens: [Int32] = [], isTarget: [Bool] = []
        var dropped = 0
        func flush() {
            guard !tokens.isEmpty else { return }
            let used = tokens.count
            tokens += repeatElement(eos, count: L - used)
            isTarget += repeatElement(false, count: L - used)
            // mask[t] weighs the prediction of token t+1 from position t.
            var mask = [Float](repeating: 0, count: L)
            for t in 0..<(L - 1) where isTarget[t + 1] { mask[t] = 1 }
            sequences.append(TrainingSequence(tokens: tokens, lossMask: mask))
            tokens = []
            isTarget = []
        }
        for index in order {
            let example = encode(context: examples[index].context, pairs: examples[index].pairs, tokenizer: tokenizer, bos: bos, eos: eos)
            if example.tokens.count > L { dropped += 1; continue }
            if tokens.count + example.tokens.count > L { flush() }
            tokens += example.tokens
            isTarget += example.isTarget
        }
        flush()
        guard !sequences.isEmpty else { throw TrainingError.noData(reason: "every example is longer than the sequence length \(L); raise --seq-len") }
        let identity = Hex.sha256(Data("synthesizer-v1 \(setIdentity) \(tokenizer.identity) \(L) \(seed)".utf8))
        return SynthesizerExamples(sequences: sequences, sequenceLength: L, identity: identity, droppedExamples: dropped)
    }
}
