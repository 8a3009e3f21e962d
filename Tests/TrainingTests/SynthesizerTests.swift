import Foundation
import Mixing
import Model
import SynthesizerText
import Testing
@testable import Training
import Tokenization

@Suite struct SynthesizerTests {
    let examples: [(context: String, pairs: [QAPair])] = [
        ("Cats purr.", [QAPair(question: "What do cats do?", answer: "Purr.")]),
        ("Ice is cold.", [QAPair(question: "Is ice hot?", answer: "No."), QAPair(question: "What is ice?", answer: "Cold.")]),
        ("Sun is a star.", [QAPair(question: "What is the sun?", answer: "A star.")]),
    ]

    @Test func examplesArePackedInTheSynthesizerFormatWithLossOnThePairsOnly() throws {
        let tokenizer = ByteTokenizer()
        let data = try SynthesizerExamples.pack(examples: examples, setIdentity: "t", tokenizer: tokenizer, sequenceLength: 256, seed: 1)
        #expect(data.droppedExamples == 0)
        // Several one-shot examples share a sequence.
        #expect(data.sequenceCount < examples.count)
        var promptsSeen = 0
        for sequence in data.sequences {
            #expect(sequence.tokens.count == 256)
            let mask = try #require(sequence.lossMask)
            // The text the loss is on: the tokens following positions with weight 1.
            let targets = (0..<255).filter { mask[$0] == 1 }.map { sequence.tokens[$0 + 1] }
            let lossText = tokenizer.decode(targets)
            let whole = tokenizer.decode(sequence.tokens)
            promptsSeen += whole.components(separatedBy: " <CON> ").count - 1
            #expect(!lossText.contains("<CON>") && !lossText.contains("</CON>"))
            #expect(lossText.contains("<QUE> ") && lossText.contains(" <ANS> ") && lossText.contains(" </END>"))
            #expect(whole.contains(" </CON>\n\n<QUE> "))
        }
        #expect(promptsSeen == examples.count)
        let full = try #require(data.sequences.first)
        #expect(full.tokens.first == tokenizer.bosId)
        #expect(SynthesizerExamples.completion(pairs: examples[1].pairs) == "<QUE> Is ice hot? <ANS> No. </END>\n\n<QUE> What is ice? <ANS> Cold. </END>")
        // What the synthesizer is tuned on is what synthesis prompts it with and parses back.
        #expect("<s>" + SynthesizerExamples.prompt(context: "Ice is cold.") == SynthesizerFormat.read("Ice is cold."))
        #expect(SynthesizerExamples.completion(pairs: examples[1].pairs) == SynthesizerFormat.comprehension(examples[1].pairs))
    }

    @Test func answerTokensCarryTheAnswerWeight() throws {
        let tokenizer = ByteTokenizer()
        let plain = try SynthesizerExamples.pack(examples: examples, setIdentity: "t", tokenizer: tokenizer, sequenceLength: 256, seed: 1)
        let weighted = try SynthesizerExamples.pack(examples: examples, setIdentity: "t", tokenizer: tokenizer, sequenceLength: 256, seed: 1,
                                                    answerWeight: 5)
        #expect(weighted.identity != plain.identity)
        for (sequence, plainSequence) in zip(weighted.sequences, plain.sequences) {
            #expect(sequence.tokens == plainSequence.tokens)
            let mask = try #require(sequence.lossMask), plainMask = try #require(plainSequence.lossMask)
            // The same tokens carry loss; the answers' (with the space before them) weigh 5.
            #expect(mask.map { $0 > 0 } == plainMask.map { $0 > 0 })
            let heavy = tokenizer.decode((0..<255).filter { mask[$0] == 5 }.map { sequence.tokens[$0 + 1] })
            let light = tokenizer.decode((0..<255).filter { mask[$0] == 1 }.map { sequence.tokens[$0 + 1] })
            for answer in examples.flatMap(\.pairs).map(\.answer) { #expect(!light.contains(answer)) }
            #expect(!heavy.contains("<ANS>") && !heavy.contains("</END>") && !heavy.contains("?"))
        }
        let heavyText = weighted.sequences.map { sequence in
            tokenizer.decode((0..<255).filter { sequence.lossMask![$0] == 5 }.map { sequence.tokens[$0 + 1] })
        }.joined()
        for answer in examples.flatMap(\.pairs).map(\.answer) { #expect(heavyText.contains(" " + answer)) }
    }

    @Test func fineTuningWritesACheckpointTheModelTargetLoads() throws {
        let data = try SynthesizerExamples.pack(examples: examples, setIdentity: "t", tokenizer: ByteTokenizer(), sequenceLength: 128, seed: 1)
        #expect(data.droppedExamples == 0)
        let model = ModelConfig(vocabSize: 259, hiddenSize: 16, intermediateSize: 24, layerCount: 1, headCount: 2, kvHeadCount: 1, maxPositions: 128)
        var config = TrainConfig(model: model, modelName: "test", batchSize: 2, sequenceLength: 128, steps: 3)
        config.warmupSteps = 1
        let trainer = try Trainer(config: config, data: data, seed: 1)
        for _ in 0..<3 { _ = try trainer.step() }
        let directory = try temporaryDirectory() + "/step-000003"
        try trainer.checkpoint(to: directory)
        let loaded = try DecoderModel.load(directory: directory)
        #expect(weights(loaded) == weights(trainer.model))
    }
}
