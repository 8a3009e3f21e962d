import Foundation
import GRDB
import Synchronization
import Store
import SynthesizerText
import Testing
@testable import Synthesis
@testable import SynthesisBackends

@Suite struct OpenAIBackendTests {
    let parameters = SamplingParameters(maxNewTokens: 32, temperature: 0, seed: 3)

    @Test func aWellFormedResponseGivesTextTokensAndFinishReason() throws {
        let body = #"{"id":"x","choices":[{"text":" <QUE> q <ANS> a </END>","index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":15,"completion_tokens":9}}"#
        let completion = try OpenAICompletionsSynthesizer.parseResponse(Data(body.utf8)).get()
        #expect(completion == Completion(text: " <QUE> q <ANS> a </END>", promptTokens: 15, completionTokens: 9, finishReason: "stop"))
    }

    @Test func garbageOrTruncatedResponsesAreFailuresNeverPairs() {
        let bad = [
            "<html>Bad gateway</html>",
            #"{"choices":[{"text":" <QUE> q <ANS> a </END>","index":0"#,   // cut off mid-object
            #"{"choices":[]}"#,
            #"{"choices":[{"index":0}]}"#,
            #"{"error":{"message":"boom"}}"#,
            "",
        ]
        for body in bad {
            guard case let .failure(failure) = OpenAICompletionsSynthesizer.parseResponse(Data(body.utf8)) else {
                Issue.record("accepted \(body)")
                continue
            }
            #expect(!failure.message.isEmpty)
        }
    }

    @Test func requestBodyCarriesEverySamplingParameter() throws {
        let server = try OpenAICompletionsSynthesizer(baseURL: "http://127.0.0.1:9/v1/", model: "synth")
        #expect(server.endpoint.absoluteString == "http://127.0.0.1:9/v1/completions")
        let body = String(decoding: server.requestBody("<s> <CON> x </CON>\n\n", parameters: parameters), as: UTF8.self)
        #expect(body == #"{"model":"synth","prompt":"<s> <CON> x </CON>\n\n","max_tokens":32,"temperature":0.0,"top_p":1.0,"seed":3,"stop":["</s>"]}"#
            || body == #"{"model":"synth","prompt":"<s> <CON> x </CON>\n\n","max_tokens":32,"temperature":0,"top_p":1,"seed":3,"stop":["</s>"]}"#)
        // Top-p always goes out (servers default to other values, e.g. llama.cpp's 0.95).
        let nucleus = SamplingParameters(maxNewTokens: 8, temperature: 0.7, topP: 0.9, seed: 1)
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(server.requestBody("p", parameters: nucleus))) as? [String: Any])
        #expect(sent["top_p"] as? Double == 0.9 && sent["temperature"] as? Double == 0.7)
        #expect(throws: SynthesisError.invalidURL("ftp://x")) { try OpenAICompletionsSynthesizer(baseURL: "ftp://x", model: "m") }
    }

    @Test func connectionErrorsAreRetriedWithBackoffThenFail() throws {
        // Port 9 (discard) is closed on loopback: every attempt is refused.
        var server = try OpenAICompletionsSynthesizer(baseURL: "http://127.0.0.1:9/v1", model: "m", timeoutSeconds: 5,
                                                      maxRetries: 2, initialBackoffSeconds: 0.05)
        // The waits are observed as requested, not timed: a busy machine only makes them longer.
        let waits = Mutex<[Double]>([])
        server.pause = { seconds in waits.withLock { $0.append(seconds) } }
        let results = try server.complete([SynthesisPrompt(stream: 1, prompt: "p"), SynthesisPrompt(stream: 2, prompt: "q")], parameters: parameters)
        #expect(waits.withLock { $0 }.sorted() == [0.05, 0.05, 0.1, 0.1])   // two retries per prompt, doubling
        #expect(server.backoff(beforeRetry: 10) == 30)   // capped
        for result in results {
            guard case let .failure(failure) = result else { Issue.record("a refused connection succeeded"); continue }
            #expect(failure.message.contains("after 3 tries"))
        }
    }
}

/// Against a real OpenAI-compatible server (llama.cpp's, started by scripts/synth_server_test.sh).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["IPT_LLAMA_SERVER_URL"] != nil,
                "IPT_LLAMA_SERVER_URL is not set: the llama.cpp server tests are skipped (run scripts/synth_server_test.sh)"))
struct LlamaServerTests {
    var baseURL: String { ProcessInfo.processInfo.environment["IPT_LLAMA_SERVER_URL"] ?? "" }

    @Test func completesPromptsWithTokenCounts() throws {
        let server = try OpenAICompletionsSynthesizer(baseURL: baseURL, model: "tiny", concurrency: 2)
        let prompts = (0..<3).map { SynthesisPrompt(stream: Int64($0), prompt: SynthesizerFormat.read("Text number \($0) is short.")) }
        let results = try server.complete(prompts, parameters: SamplingParameters(maxNewTokens: 16, temperature: 0, seed: 0))
        #expect(results.count == 3)
        for result in results {
            let completion = try result.get()
            #expect((completion.promptTokens ?? 0) > 5)
            #expect((completion.completionTokens ?? 0) > 0 && (completion.completionTokens ?? 0) <= 16)
            #expect(completion.finishReason != nil)
        }
        // Greedy decoding with a fixed seed is repeatable.
        let again = try server.complete(Array(prompts.prefix(1)), parameters: SamplingParameters(maxNewTokens: 16, temperature: 0, seed: 0))
        #expect(try again[0].get().text == results[0].get().text)
    }

    @Test func aTwoRoundRunThroughTheQueueRecordsEveryRequest() throws {
        let texts = (0..<8).map { "Short text \($0) about archives and servers." }
        let store = try makeStore(texts: texts, in: try temporaryDirectory())
        var setup = SynthRunSetup(backend: .openai, backendReference: baseURL, model: "tiny", rounds: 2,
                                  limits: ChainLimits(maxModelLength: 1024, maxNewTokens: 24))
        setup.seed = 1
        let runId = try store.write { db in try SynthesisRepository.createRun(setup, in: db) }
        let server = try OpenAICompletionsSynthesizer(baseURL: baseURL, model: "tiny", concurrency: 2)
        try SynthesisWorker(store: store, run: runId, synthesizer: server, batchSize: 3).work()
        let progress = try store.read { db in try SynthesisRepository.progress(run: runId, in: db) }
        #expect(progress.requestsDone == 8)
        #expect(progress.requestsFailed == 0)
        #expect(progress.promptTokens > 0 && progress.completionTokens > 0)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT output, (SELECT count(*) FROM instruction_pairs p WHERE p.request_id = q.id) AS n FROM synth_requests q")
        }
        for row in rows {
            #expect(SynthesizerOutputParser.parse(row["output"] as String).count == row["n"] as Int)
        }
    }
}
