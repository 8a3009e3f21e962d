import Synthesis
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSONLines

/// The synthesizer behind any OpenAI-compatible completions server (vLLM running the released
/// 7B synthesizer, llama.cpp's server): `POST {base}/completions` with model, prompt, max_tokens,
/// temperature, seed and stop. At most `concurrency` requests are in flight; connection errors,
/// timeouts, 429 and 5xx are retried with exponential backoff; a response that is not a
/// well-formed completion (garbage, cut off, missing choices) is a failure of that prompt,
/// never pairs.
///
///     let server = try OpenAICompletionsSynthesizer(baseURL: "http://127.0.0.1:8000/v1", model: "synth")
///     let results = try server.complete(prompts, parameters: parameters)
public struct OpenAICompletionsSynthesizer: Synthesizer, CompletionServer {
    public let endpoint: URL
    public let model: String
    public var concurrency: Int
    public var timeoutSeconds: Double
    public var maxRetries: Int
    /// Backoff before retry n (0-based) is `initialBackoffSeconds * 2^n`, capped at 30 s.
    public var initialBackoffSeconds: Double
    /// Waits out a backoff (`Thread.sleep`); tests pass one that records the waits instead.
    var pause: @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    /// One session (and so kept-alive connections, up to `concurrency` of them) for every
    /// request of `completeOnce`; `complete` keeps its session per request.
    let session: URLSession

    public init(baseURL: String, model: String, concurrency: Int = 4, timeoutSeconds: Double = 600,
                maxRetries: Int = 6, initialBackoffSeconds: Double = 0.5) throws {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), let url = URL(string: base + "/completions") else {
            throw SynthesisError.invalidURL(baseURL)
        }
        endpoint = url
        self.model = model
        self.concurrency = max(1, concurrency)
        self.timeoutSeconds = timeoutSeconds
        self.maxRetries = maxRetries
        self.initialBackoffSeconds = initialBackoffSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds
        configuration.httpMaximumConnectionsPerHost = self.concurrency
        session = URLSession(configuration: configuration)
    }

    public var reference: String { endpoint.deletingLastPathComponent().absoluteString }

    public func complete(_ prompts: [SynthesisPrompt], parameters: SamplingParameters) throws -> [Result<Completion, CompletionFailure>] {
        let results = ResultSlots(count: prompts.count)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = concurrency
        for (index, prompt) in prompts.enumerated() {
            queue.addOperation { results.set(index, completeWithRetries(prompt.prompt, parameters: parameters)) }
        }
        queue.waitUntilAllOperationsAreFinished()
        return results.values
    }

    /// Seconds to wait before retry `n` (0-based).
    func backoff(beforeRetry n: Int) -> Double {
        min(initialBackoffSeconds * pow(2, Double(min(n, 62))), 30)
    }

    /// One prompt: send, and on a retryable failure wait and send again.
    func completeWithRetries(_ prompt: String, parameters: SamplingParameters) -> Result<Completion, CompletionFailure> {
        var attempt = 0
        var lastFailure: String?
        while true {
            switch send(prompt, parameters: parameters) {
            case var .success(completion):
                if let lastFailure { completion.recoveredFrom = "recovered after \(attempt) retries from: \(lastFailure)" }
                return .success(completion)
            case let .failure(failure):
                lastFailure = failure.message
                guard failure.retryable, attempt < maxRetries else {
                    return .failure(CompletionFailure(message: failure.message + (attempt > 0 ? " (after \(attempt + 1) tries)" : "")))
                }
                pause(backoff(beforeRetry: attempt))
                attempt += 1
            }
        }
    }

    struct SendFailure: Error {
        var message: String
        var retryable: Bool
    }

    func requestBody(_ prompt: String, parameters: SamplingParameters) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { body in
            body.member("model") { $0.string(model) }
            body.member("prompt") { $0.string(prompt) }
            body.member("max_tokens") { $0.integer(parameters.maxNewTokens) }
            body.member("temperature") { $0.double(parameters.temperature) }
            body.member("top_p") { $0.double(parameters.topP) }
            body.member("seed") { $0.integer(parameters.seed) }
            body.member("stop") { json in json.array { array in for stop in parameters.stop { array.element { $0.string(stop) } } } }
        }
        return writer.bytes
    }

    /// One attempt on this server's shared session (the pipelined scheduler's entry point).
    public func completeOnce(_ prompt: String, parameters: SamplingParameters) -> Result<Completion, ServerFailure> {
        send(prompt, parameters: parameters, session: session).mapError { ServerFailure(message: $0.message, serverAtFault: $0.retryable) }
    }

    func send(_ prompt: String, parameters: SamplingParameters, session shared: URLSession? = nil) -> Result<Completion, SendFailure> {
        var request = URLRequest(url: endpoint, timeoutInterval: timeoutSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(requestBody(prompt, parameters: parameters))
        let reply = HTTPReply()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds
        let session = shared ?? URLSession(configuration: configuration)
        defer { if shared == nil { session.finishTasksAndInvalidate() } }
        session.dataTask(with: request) { data, response, error in
            reply.store(data: data, response: response, error: error)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = reply.values
        if let error {
            return .failure(SendFailure(message: "cannot reach \(endpoint.absoluteString): \(error.localizedDescription)", retryable: true))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(SendFailure(message: "no HTTP response from \(endpoint.absoluteString)", retryable: true))
        }
        let body = data ?? Data()
        guard http.statusCode == 200 else {
            let retryable = http.statusCode == 429 || http.statusCode >= 500
            let excerpt = String(decoding: body.prefix(200), as: UTF8.self)
            return .failure(SendFailure(message: "HTTP \(http.statusCode) from \(endpoint.absoluteString): \(excerpt)", retryable: retryable))
        }
        return OpenAICompletionsSynthesizer.parseResponse(body).mapError { SendFailure(message: $0.message, retryable: false) }
    }

    /// A completions response with one choice: its text, finish reason and token usage.
    static func parseResponse(_ body: Data) -> Result<Completion, CompletionFailure> {
        let json: JSONValue
        do {
            json = try JSONParser.parse(line: Array(body))
        } catch {
            return .failure(CompletionFailure(message: "the server's response is not JSON (\(error.message) at byte \(error.offset)); \(body.count) bytes received"))
        }
        guard let choices = json["choices"]?.arrayValue, choices.count == 1, let text = choices[0]["text"]?.stringValue else {
            return .failure(CompletionFailure(message: "the server's response has no choices[0].text: \(String(decoding: body.prefix(200), as: UTF8.self))"))
        }
        let usage = json["usage"]
        return .success(Completion(text: text, promptTokens: usage?["prompt_tokens"]?.intValue,
                                   completionTokens: usage?["completion_tokens"]?.intValue,
                                   finishReason: choices[0]["finish_reason"]?.stringValue))
    }
}

/// Results written by concurrent operations, one slot each.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Completion, CompletionFailure>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Completion, CompletionFailure>) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = value
    }

    var values: [Result<Completion, CompletionFailure>] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0 ?? .failure(CompletionFailure(message: "no result")) }
    }
}

/// What URLSession's completion handler delivered, handed to the waiting thread.
private final class HTTPReply: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    private var response: URLResponse?
    private var error: Error?

    func store(data: Data?, response: URLResponse?, error: Error?) {
        lock.lock(); defer { lock.unlock() }
        self.data = data
        self.response = response
        self.error = error
    }

    var values: (Data?, URLResponse?, Error?) {
        lock.lock(); defer { lock.unlock() }
        return (data, response, error)
    }
}
