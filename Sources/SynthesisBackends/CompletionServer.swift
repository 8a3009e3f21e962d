import Synthesis
/// One model server a pipelined run sends requests to, one request at a time per call (the
/// caller keeps several calls in flight). `OpenAICompletionsSynthesizer` is one; tests use
/// in-process servers.
///
///     switch server.completeOnce("<s> <CON> … </CON>\n\n", parameters: parameters) {
///     case .success(let completion): print(completion.text)
///     case .failure(let failure): print(failure.message, failure.serverAtFault)
///     }
public protocol CompletionServer: Sendable {
    /// Where it is ("http://10.0.0.5:8000/v1"), for progress and errors.
    var reference: String { get }
    /// Sends one prompt once (no retries: the scheduler decides where a retry goes).
    func completeOnce(_ prompt: String, parameters: SamplingParameters) -> Result<Completion, ServerFailure>
}

/// Why one request to a server got no completion. `serverAtFault` failures (connection
/// errors, timeouts, 429, 5xx) say nothing about the prompt: the request goes to another
/// server and the server's failures count towards resting it. Other failures (a malformed
/// response) are the request's and are recorded against it.
///
///     ServerFailure(message: "HTTP 503 from http://…/completions", serverAtFault: true)
public struct ServerFailure: Error, Sendable, Equatable {
    public var message: String
    public var serverAtFault: Bool

    public init(message: String, serverAtFault: Bool) {
        self.message = message
        self.serverAtFault = serverAtFault
    }
}
