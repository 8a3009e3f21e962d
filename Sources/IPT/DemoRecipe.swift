import Foundation

/// How big the demo is: how many people play which part, how many rewrites describe each, and
/// how long each model trains. The full recipe is sized for a 2-core machine in about 20
/// minutes, the quick one for about 4.
struct DemoRecipe: Equatable {
    /// People whose texts and tasks make the synthesizer's fine-tuning collection.
    var taskPeople: Int
    /// People whose texts are augmented with synthesized pairs for pre-training.
    var pretrainPeople: Int
    /// People every model sees only as raw text; the evaluation asks about them.
    var evalPeople: Int
    /// People no model sees; their texts are the held-out perplexity set.
    var heldoutPeople: Int
    /// Documents per pre-training person, each a fresh draw of phrasings and sentence order.
    var rewrites: Int
    /// Documents per task person in the synthesizer's collection.
    var taskRewrites: Int
    var synthesizerSteps: Int
    var pretrainSteps: Int
    var tuningSteps: Int
    /// The mixtures pre-trained and compared, in table order.
    var arms: [DemoArm]
    /// The `--config` of every model the demo trains (written to DIR/model.json): the `tiny`
    /// preset with a vocabulary the size of the demo's tokenizer, 16 × 128-token sequences a
    /// step, and a learning rate for memorising facts in a few hundred steps.
    var modelConfig = #"{"base": "tiny", "vocabSize": 1280, "batchSize": 16, "learningRate": 0.002, "warmupSteps": 20}"#

    static let full = DemoRecipe(taskPeople: 400, pretrainPeople: 60, evalPeople: 40, heldoutPeople: 10, rewrites: 2, taskRewrites: 1,
                                 synthesizerSteps: 400, pretrainSteps: 500, tuningSteps: 40,
                                 arms: [.vanilla, .mix, .instruct, .instructMiner])
    static let quick = DemoRecipe(taskPeople: 200, pretrainPeople: 60, evalPeople: 40, heldoutPeople: 10, rewrites: 2, taskRewrites: 1,
                                  synthesizerSteps: 150, pretrainSteps: 250, tuningSteps: 0,
                                  arms: [.vanilla, .instruct])

    /// The share of the tuning collection that goes into the Mix and Instruct mixtures: about as
    /// many task texts as there are people to augment, so the collection does not crowd out the
    /// corpus at this scale (the paper's collection is a sliver of 100B tokens).
    var taskRatio: Double { min(1, Double(pretrainPeople) / Double(max(taskPeople, 1))) }

    var totalPeople: Int { taskPeople + pretrainPeople + evalPeople + heldoutPeople }
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
