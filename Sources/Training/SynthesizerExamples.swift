import Foundation
import Mixing
import Randomness
import Store
import SynthesizerText
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

    /// The prompt of one raw text, exactly as the released synthesizer expects it, without the
    /// `<s>` the tokenizer's own begin-of-document id stands for.
    public static func prompt(context: String) -> String { SynthesizerFormat.context(context) }

    /// The pairs the synthesizer learns to write.
    public static func completion(pairs: [QAPair]) -> String {
        completionPieces(pairs: pairs).map(\.text).joined()
    }

    /// `completion` cut where the answers begin and end: each pair's `<QUE> {q} <ANS>` (after
    /// the blank line that separates pairs), ` {a}` and ` </END>`. Joined, the pieces are
    /// `SynthesizerFormat.comprehension(pairs)`.
    static func completionPieces(pairs: [QAPair]) -> [(text: String, isAnswer: Bool)] {
        pairs.enumerated().flatMap { index, pair in
            [((index > 0 ? SynthesizerFormat.delimiter : "") + SynthesizerFormat.question(pair.question), false),
             (" " + pair.answer, true), (" " + SynthesizerFormat.endTag, false)]
        }
    }

    /// One example's tokens and the loss weight of each: 0 for the prompt, `answerWeight` for
    /// the tokens of each answer, 1 for the rest of the pairs. The pairs are encoded piece by
    /// piece (question, answer, end marker) so the answer's tokens are known; where that differs
    /// from encoding them whole (a merge across a piece boundary) the whole encoding is used,
    /// every pair token weighing 1.
    static func encode(context: String, pairs: [QAPair], tokenizer: any TextTokenizer, bos: Int32, eos: Int32,
                       answerWeight: Float = 1) -> (tokens: [Int32], weights: [Float]) {
        let prompt = [bos] + tokenizer.encode(prompt(context: context))
        let whole = tokenizer.encode(completion(pairs: pairs)) + [eos]
        let promptWeights = [Float](repeating: 0, count: prompt.count)
        guard answerWeight != 1 else { return (prompt + whole, promptWeights + Array(repeating: 1, count: whole.count)) }
        var pieces: [Int32] = [], pieceWeights: [Float] = []
        for piece in completionPieces(pairs: pairs) {
            let tokens = tokenizer.encode(piece.text)
            pieces += tokens
            pieceWeights += repeatElement(piece.isAnswer ? answerWeight : 1, count: tokens.count)
        }
        pieces.append(eos)
        pieceWeights.append(1)
        return (prompt + whole, promptWeights + (pieces == whole ? pieceWeights : Array(repeating: 1, count: whole.count)))
    }

    public static func pack(examples: [(context: String, pairs: [QAPair])], setIdentity: String, tokenizer: any TextTokenizer,
                            sequenceLength L: Int, seed: UInt64, answerWeight: Float = 1) throws -> SynthesizerExamples {
        let (bos, eos) = try tokenizer.documentDelimiters()
        var rng = SeededGenerator(seed: seed, stream: 0)
        let order = rng.shuffled(Array(examples.indices))
        var sequences: [TrainingSequence] = []
        var tokens: [Int32] = [], weights: [Float] = []
        var dropped = 0
        func flush() {
            guard !tokens.isEmpty else { return }
            let used = tokens.count
            tokens += repeatElement(eos, count: L - used)
            weights += repeatElement(0, count: L - used)
            // mask[t] weighs the prediction of token t+1 from position t.
            let mask = Array(weights.dropFirst()) + [0]
            sequences.append(TrainingSequence(tokens: tokens, lossMask: mask))
            tokens = []
            weights = []
        }
        for index in order {
            let example = encode(context: examples[index].context, pairs: examples[index].pairs, tokenizer: tokenizer, bos: bos, eos: eos,
                                 answerWeight: answerWeight)
            if example.tokens.count > L { dropped += 1; continue }
            if tokens.count + example.tokens.count > L { flush() }
            tokens += example.tokens
            weights += example.weights
        }
        flush()
        guard !sequences.isEmpty else { throw TrainingError.noData(reason: "every example is longer than the sequence length \(L); raise --seq-len") }
        // Weight 1 keeps the identity data made before answer weights had.
        let weighting = answerWeight == 1 ? "" : " answer-weight \(answerWeight)"
        let identity = Hex.sha256(Data("synthesizer-v1 \(setIdentity) \(tokenizer.identity) \(L) \(seed)\(weighting)".utf8))
        return SynthesizerExamples(sequences: sequences, sequenceLength: L, identity: identity, droppedExamples: dropped)
    }
}
