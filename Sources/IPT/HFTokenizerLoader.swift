import ArgumentParser
import Evaluation

/// Loads a Hugging Face tokenizer.json for scoring. Reading tokenizer.json belongs to the
/// Tokenization stage, which this branch does not have yet.
enum HFTokenizerLoader {
    static func load(path: String) throws -> any ScoringTokenizer {
        throw ValidationError("\(path): reading tokenizer.json needs the Tokenization stage, not built into this ipt; pass --tokenizer bytes for a byte-level model")
    }
}
