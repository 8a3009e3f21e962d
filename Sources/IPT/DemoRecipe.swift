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
    /// preset with a vocabulary the size of the demo's tokenizer, and a learning rate for
    /// memorising facts in a few hundred steps.
    var modelConfig = #"{"base": "tiny", "vocabSize": 2048, "learningRate": 0.001, "warmupSteps": 20}"#

    static let full = DemoRecipe(taskPeople: 120, pretrainPeople: 240, evalPeople: 100, heldoutPeople: 20, rewrites: 3, taskRewrites: 1,
                                 synthesizerSteps: 400, pretrainSteps: 500, tuningSteps: 40,
                                 arms: [.vanilla, .mix, .instruct, .instructMiner])
    static let quick = DemoRecipe(taskPeople: 80, pretrainPeople: 120, evalPeople: 60, heldoutPeople: 10, rewrites: 3, taskRewrites: 1,
                                  synthesizerSteps: 200, pretrainSteps: 250, tuningSteps: 0,
                                  arms: [.vanilla, .instruct])

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
