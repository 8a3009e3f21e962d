import Foundation

/// Everything that can go wrong loading, saving or running a model, each case naming the file
/// (and tensor or field) involved and what to do about it.
///
///     do { _ = try DecoderModel.load(directory: "models/tiny") }
///     catch let error as ModelError { print(error.localizedDescription) }
public enum ModelError: Error, LocalizedError, Equatable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case malformedConfig(path: String, field: String, reason: String)
    case unsupportedArchitecture(path: String, architecture: String)
    case unsupportedFeature(path: String, field: String, reason: String)
    case malformedSafetensors(path: String, reason: String)
    case unsupportedDType(path: String, tensor: String, dtype: String)
    case missingTensor(path: String, tensor: String)
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    case invalidInput(reason: String)
    case writeFailed(path: String, reason: String)
    /// A planned allocation (`what`) needs more than the memory limit (see `MemoryLimit`).
    case exceedsMemory(what: String, bytes: Double, limit: Double, advice: String)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file; point --model at a directory with config.json and model.safetensors."
        case .unreadable(let path, let reason):
            return "\(path): cannot read (\(reason))."
        case .malformedConfig(let path, let field, let reason):
            return "\(path): field \"\(field)\": \(reason); fix the config (see transformers' MistralConfig)."
        case .unsupportedArchitecture(let path, let architecture):
            return "\(path): architecture \"\(architecture)\" is not supported; expected MistralForCausalLM or LlamaForCausalLM."
        case .unsupportedFeature(let path, let field, let reason):
            return "\(path): field \"\(field)\": \(reason) is not supported by this model implementation."
        case .malformedSafetensors(let path, let reason):
            return "\(path): not a valid safetensors file (\(reason)); re-export the checkpoint."
        case .unsupportedDType(let path, let tensor, let dtype):
            return "\(path): tensor \"\(tensor)\" has dtype \(dtype); only F32, F16 and BF16 can be loaded."
        case .missingTensor(let path, let tensor):
            return "\(path): tensor \"\(tensor)\" is missing; the checkpoint does not match config.json."
        case .shapeMismatch(let path, let tensor, let expected, let found):
            return "\(path): tensor \"\(tensor)\" has shape \(found) but config.json implies \(expected)."
        case .invalidInput(let reason):
            return reason
        case .writeFailed(let path, let reason):
            return "\(path): cannot write (\(reason)); check the directory exists and is writable."
        case .exceedsMemory(let what, let bytes, let limit, let advice):
            return "\(what) needs \(MemoryLimit.describe(bytes)), more than the \(MemoryLimit.describe(limit)) memory limit (this machine's memory); \(advice)."
        }
    }
}
