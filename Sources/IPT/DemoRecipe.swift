import Foundation

/// How big the demo is: how many people play which part, how many rewrites describe each, how
/// the synthesizer's curriculum is sized, and how long each model trains. The full recipe is
/// sized for a 2-core machine in about 20 minutes, the quick one for about 4.
struct DemoRecipe: Equatable {
    /// People whose texts are augmented with synthesized pairs for pre-training.
    var pretrainPeople: Int
    /// People every model sees only as raw text; the evaluation asks about them.
    var evalPeople: Int
    /// People no model sees; their texts are the held-out perplexity set.
    var heldoutPeople: Int
    /// Documents per pre-training person, each a fresh draw of phrasings and sentence order.
    var rewrites: Int
    /// Texts of the synthesizer's first lesson: people with one or two facts, so that the one
    /// value-like word of the text is the answer and reading it off is easy to learn.
    var shortTaskTexts: Int
    /// Texts of its second lesson (and the tuning collection the mixtures take from): one to
    /// six facts, as many as the texts it will read.
    var taskTexts: Int
    var shortSynthesizerSteps: Int
    var synthesizerSteps: Int
    /// Sequences a step in each lesson (128 tokens in the first, 512 in the second).
    var shortSynthesizerBatch = 16
    var synthesizerBatch = 8
    var pretrainSteps: Int
    var tuningSteps: Int
    /// The mixtures pre-trained and compared, in table order.
    var arms: [DemoArm]
    /// The `--config` of every pre-trained model (written to DIR/model.json): three layers of
    /// width 128 with a vocabulary the size of the demo's tokenizer, 16 × 128-token sequences a
    /// step. At this scale the narrow model stores the facts as well as `tiny` and trains about
    /// four times as many steps in the same time, which is what makes the facts extractable.
    var modelConfig = #"{"base": "tiny", "vocabSize": 1280, "hiddenSize": 128, "intermediateSize": 344, "layerCount": 3, "headCount": 4, "kvHeadCount": 2, "batchSize": 16, "learningRate": 0.004, "warmupSteps": 20}"#
    /// The synthesizer's `--config` (DIR/synthesizer.json), trained from scratch: two layers of
    /// width 128 learn to read an answer off a text several times faster than `tiny` would, and
    /// the synthesizer is run over every text to augment.
    var synthesizerConfig = #"{"base": "tiny", "vocabSize": 1280, "hiddenSize": 128, "intermediateSize": 344, "layerCount": 2, "headCount": 4, "kvHeadCount": 2, "batchSize": 16, "learningRate": 0.005, "warmupSteps": 50}"#

    static let full = DemoRecipe(pretrainPeople: 150, evalPeople: 50, heldoutPeople: 10, rewrites: 4,
                                 shortTaskTexts: 12000, taskTexts: 8000, shortSynthesizerSteps: 1500, synthesizerSteps: 800,
                                 pretrainSteps: 1300, tuningSteps: 40, arms: [.vanilla, .mix, .instruct, .instructMiner])
    /// Half the sequences a step for the synthesizer (the steps, not the tokens, are what its
    /// reading needs) and fewer pre-training steps.
    static let quick = DemoRecipe(pretrainPeople: 100, evalPeople: 40, heldoutPeople: 10, rewrites: 4,
                                  shortTaskTexts: 8000, taskTexts: 3000, shortSynthesizerSteps: 1200, synthesizerSteps: 400,
                                  shortSynthesizerBatch: 8, synthesizerBatch: 4,
                                  pretrainSteps: 400, tuningSteps: 0, arms: [.vanilla, .instruct])

    /// The share of the tuning collection that goes into the Mix and Instruct mixtures: about as
    /// many task texts as there are people to augment, so the collection does not crowd out the
    /// corpus at this scale (the paper's collection is a sliver of 100B tokens).
    var taskRatio: Double { min(1, Double(pretrainPeople) / Double(max(taskTexts, 1))) }

    var totalPeople: Int { pretrainPeople + evalPeople + heldoutPeople }
}

/// One pre-training mixture of the comparison (the rows of the paper's Table 1).
enum DemoArm: String, CaseIterable {
    case vanilla
    case mix
    case instruct
    case instructMiner = "instruct-miner"

    var label: String {
        switch self {
        case .vanilla: return "Vanilla PT"
        case .mix: return "Mix PT"
        case .instruct: return "Instruct PT"
        case .instructMiner: return "Instruct PT (miner)"
        }
    }

    /// What the mixture holds, in words.
    var contents: String {
        switch self {
        case .vanilla: return "raw texts"
        case .mix: return "raw texts + the synthesizer's tuning collection"
        case .instruct: return "LM-synthesizer-augmented texts + raw texts of the evaluation people + the tuning collection"
        case .instructMiner: return "miner-augmented texts + raw texts of the evaluation people + the tuning collection"
        }
    }
}
