import ArgumentParser
import Foundation
import Model

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Create, run and benchmark the decoder language model (Hugging Face format).",
        discussion: """
            A model is a directory with config.json and model.safetensors (or shards and \
            model.safetensors.index.json), as transformers' MistralForCausalLM / LlamaForCausalLM \
            save it. Output is JSON on standard output.
            """,
        subcommands: [ModelInitCommand.self, ModelLogitsCommand.self, ModelGenerateCommand.self, ModelBenchCommand.self])
}

/// Parses "0,5,9" into token ids.
func parseTokenIds(_ text: String) throws -> [Int32] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    var ids: [Int32] = []
    for (index, part) in parts.enumerated() {
        guard let id = Int32(part.trimmingCharacters(in: .whitespaces)), id >= 0 else {
            throw ValidationError("item \(index + 1) (\"\(part)\") is not a non-negative token id; expected e.g. 0,5,9")
        }
        ids.append(id)
    }
    return ids
}
