import SynthesizerText
/// One prompt to complete. `stream` is the raw text's id: a backend that makes random choices
/// seeds them with the run's seed and this id, so a rerun makes the same choices.
///
///     let request = SynthesisPrompt(stream: rawTextId, prompt: SynthesizerFormat.read(text))
public struct SynthesisPrompt: Sendable, Equatable {
    public var stream: Int64
    public var prompt: String

    public init(stream: Int64, prompt: String) {
        self.stream = stream
        self.prompt = prompt
    }
}

/// The sampling parameters of a run, recorded in `synth_runs` and sent to every backend.
///
///     let parameters = SamplingParameters(maxNewTokens: 400, temperature: 0, seed: 0)
public struct SamplingParameters: Sendable, Equatable, Codable {
    public var maxNewTokens: Int
    public var temperature: Double
    /// Nucleus sampling mass (1: the whole distribution); sent to every backend, never left to a server's default.
    public var topP: Double
    public var seed: Int64
    /// The temperature of the answers (from `<ANS>` to `</END>`) when it differs from the
    /// questions': a small synthesizer samples varied questions yet reads each answer greedily.
    /// Nil: the whole output at `temperature`.
    public var answerTemperature: Double?
    /// Generation stops at any of these strings (the synthesizer ends its output with `</s>`).
    public var stop: [String]

    public init(maxNewTokens: Int, temperature: Double, topP: Double = 1, seed: Int64, answerTemperature: Double? = nil,
                stop: [String] = [SynthesizerFormat.endOfSequence]) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.answerTemperature = answerTemperature
        self.topP = topP
        self.seed = seed
        self.stop = stop
    }
}

/// What a backend wrote for one prompt, with its token counts when the backend knows them.
///
///     let completion = Completion(text: "<QUE> Q <ANS> A </END>", promptTokens: 12, completionTokens: 9)
public struct Completion: Sendable, Equatable {
    public var text: String
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Why generation stopped ("stop", "length"), when the backend says.
    public var finishReason: String?
    /// The errors a backend recovered from by retrying before this completion (kept with the
    /// request as provenance), nil when the first try succeeded.
    public var recoveredFrom: String?

    public init(text: String, promptTokens: Int? = nil, completionTokens: Int? = nil, finishReason: String? = nil,
                recoveredFrom: String? = nil) {
        self.text = text
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
        self.recoveredFrom = recoveredFrom
    }
}

/// Why one prompt got no completion; the work queue records it and retries the request.
///
///     CompletionFailure(message: "HTTP 503 from http://127.0.0.1:8080/v1/completions")
public struct CompletionFailure: Error, Sendable, Equatable {
    public var message: String

    public init(message: String) {
        self.message = message
    }
}

/// An instruction synthesizer backend: prompts in, completions (or per-prompt failures) out, in
/// the same order. Backends: `ReadingComprehensionMiner` (rules, no weights),
/// `OpenAICompletionsSynthesizer` (any OpenAI-compatible server), `LocalModelSynthesizer` (a
/// checkpoint directory run in this process, the whole batch generated together).
///
///     let results = try synthesizer.complete(prompts, parameters: parameters)
///     for case let .success(completion) in results { print(completion.text) }
public protocol Synthesizer: Sendable {
    /// A short description recorded with the run ("miner", "openai:http://…").
    var reference: String { get }

    /// Completes every prompt; one result per prompt, in order. Throwing means the whole batch
    /// failed (every request of it is retried later).
    func complete(_ prompts: [SynthesisPrompt], parameters: SamplingParameters) throws -> [Result<Completion, CompletionFailure>]
}
