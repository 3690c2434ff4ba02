import ProviderInterface
import Testing

@testable import Adapters

@Suite("OpenAIChat request building and parsing")
struct OpenAIChatTests {
    @Test func extraMembersReplaceParametersInPlaceAndNeverTheOwnedOnes() {
        let request = InferenceRequest(
            model: "m", task: .conversational,
            messages: [
                ChatMessage(role: "system", content: "be \\ brief"), ChatMessage(role: "user", content: "tab\there"),
            ],
            parameters: JSONObject([
                ("max_tokens", 16), ("stream", true), ("provider", ["order": ["a"]]), ("temperature", .number("0.2")),
            ]))
        let messages = #""messages":[{"role":"system","content":"be \\ brief"},{"role":"user","content":"tab\there"}]"#
        let cases: [(JSONObject, Bool, String)] = [
            (
                JSONObject(), false,
                #"{"model":"org/name:p","# + messages
                    + #","max_tokens":16,"provider":{"order":["a"]},"temperature":0.2}"#
            ),
            // An extra member wins over the parameter, in its place.
            (
                JSONObject([("provider", ["only": ["groq"]])]), true,
                #"{"model":"org/name:p","# + messages
                    + #","max_tokens":16,"provider":{"only":["groq"]},"temperature":0.2,"stream":true,"#
                    + #""stream_options":{"include_usage":true}}"#
            ),
            (
                JSONObject([("transforms", []), ("provider", nil)]), false,
                #"{"model":"org/name:p","# + messages
                    + #","max_tokens":16,"provider":null,"temperature":0.2,"transforms":[]}"#
            ),
            // The model, messages and stream members are the builder's.
            (
                JSONObject([("model", "replaced"), ("stream", false)]), true,
                #"{"model":"org/name:p","# + messages
                    + #","max_tokens":16,"provider":{"order":["a"]},"temperature":0.2,"stream":true,"#
                    + #""stream_options":{"include_usage":true}}"#
            ),
        ]
        for (extra, stream, expected) in cases {
            let body = OpenAIChat.body(model: "org/name:p", request: request, stream: stream, extraBody: extra)
            #expect(String(decoding: body, as: UTF8.self) == expected)
        }
    }

    @Test func requestCarriesModelMessagesParametersAndStreamOptions() throws {
        var request = InferenceRequest(
            model: "meta-llama/Llama-3.1-8B-Instruct", task: .conversational,
            messages: [ChatMessage(role: "user", content: "Hi \"there\"")],
            parameters: JSONObject([("max_tokens", 16), ("model", "ignored"), ("temperature", .number("0.2"))]),
            timeoutMs: 5000)
        request.firstByteTimeoutMs = 700
        let built = OpenAIChat.makeRequest(
            baseURL: "https://router.example/v1/", path: "/chat/completions", model: "m:together", request: request,
            stream: true, headers: [HTTPHeader("Authorization", "Bearer hf_secret")])
        #expect(built.method == "POST")
        #expect(built.url == "https://router.example/v1/chat/completions")
        #expect(built.header("content-type") == "application/json")
        #expect(built.header("accept") == "text/event-stream")
        #expect(built.header("authorization") == "Bearer hf_secret")
        // A stream is bounded by silence, not length: the request's 5 s bounds the silence
        // between chunks, and nothing caps the whole stream (no max_duration).
        #expect(built.timeouts.idleMs == 5000)
        #expect(built.timeouts.totalMs == HTTPTimeouts.unbounded)
        #expect(built.timeouts.firstByteMs == 700)
        let body = String(decoding: try #require(built.body), as: UTF8.self)
        #expect(
            body == #"{"model":"m:together","messages":[{"role":"user","content":"Hi \"there\""}],"max_tokens":16,"#
                + #""temperature":0.2,"stream":true,"stream_options":{"include_usage":true}}"#)
    }

    @Test func plainRequestHasNoStreamMembers() throws {
        let request = InferenceRequest(
            model: "x", task: .conversational, messages: [ChatMessage(role: "user", content: "a")])
        let built = OpenAIChat.makeRequest(
            baseURL: "http://127.0.0.1:1", path: "v1/chat/completions", model: "x", request: request, stream: false,
            extraBody: JSONObject([("provider", ["order": ["a"]])]))
        #expect(built.url == "http://127.0.0.1:1/v1/chat/completions")
        #expect(built.header("accept") == "application/json")
        let body = String(decoding: try #require(built.body), as: UTF8.self)
        #expect(body == #"{"model":"x","messages":[{"role":"user","content":"a"}],"provider":{"order":["a"]}}"#)
    }

    @Test func parsesCompletionWithUsageAndProvider() throws {
        let body =
            #"{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"#
            + #""usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15},"provider":"Together"}"#
        let answer = try OpenAIChat.parseResponse(HTTPResponse(status: 200, body: Array(body.utf8)), provider: "p")
        #expect(answer.output == .text("Hello"))
        #expect(answer.usage == TokenUsage(inputTokens: 12, outputTokens: 3))
        #expect(answer.finishReason == "stop")
        #expect(answer.servedBy == "Together")
    }

    @Test func contentPartsAreJoinedAndMissingUsageIsNil() throws {
        let body = #"{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]}"#
        let answer = try OpenAIChat.parseResponse(HTTPResponse(status: 200, body: Array(body.utf8)), provider: "p")
        #expect(answer.output == .text("ab"))
        #expect(answer.usage == nil)
    }

    @Test(arguments: ["not json", "{}", #"{"choices":[]}"#, #"{"choices":[{"message":{"content":5}}]}"#])
    func unparseableSuccessIsMalformed(body: String) {
        #expect {
            _ = try OpenAIChat.parseResponse(HTTPResponse(status: 200, body: Array(body.utf8)), provider: "p")
        } throws: { ($0 as? ProviderError)?.code == .malformedResponse }
    }

    @Test func errorInsideA200BodyIsThrown() {
        let body = #"{"error":{"message":"upstream failed","code":502}}"#
        #expect {
            _ = try OpenAIChat.parseResponse(HTTPResponse(status: 200, body: Array(body.utf8)), provider: "p")
        } throws: { error in
            let e = error as? ProviderError
            return e?.code == .providerError && e?.status == 502 && e?.message == "upstream failed"
        }
    }

    @Test func streamChunkEvents() throws {
        let events = try OpenAIChat.parseStreamChunk(
            data: #"{"choices":[{"delta":{"content":"He"}}],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#,
            provider: "p")
        #expect(events.textDeltas == [.delta("He"), .usage(TokenUsage(inputTokens: 1, outputTokens: 2))])
        let empty = try OpenAIChat.parseStreamChunk(
            data: #"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#, provider: "p")
        #expect(empty.textDeltas.isEmpty)
        let chunk = try OpenAIChat.decodeStreamChunk(
            data: #"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#, provider: "p")
        #expect(chunk.finishReason == "stop")
    }

    @Test func inBandStreamErrorThrows() {
        #expect {
            _ = try OpenAIChat.parseStreamChunk(
                data: #"{"error":"Model overloaded","error_type":"overloaded"}"#, provider: "hf")
        } throws: { error in
            let e = error as? ProviderError
            return e?.code == .providerError && e?.message.contains("Model overloaded") == true
                && e?.message.contains("overloaded") == true
        }
    }

    @Test func sseParserHandlesSplitsCRLFCommentsAndMissingSpace() {
        var parser = OpenAIChatSSEParser()
        var out: [String] = []
        let text =
            ": keep-alive\r\n\r\ndata: {\"a\":1}\r\n\r\ndata:{\"b\":2}\n\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]"
        for byte in Array(text.utf8) { out += parser.feed([byte]) }
        out += parser.finish()
        #expect(out == [#"{"a":1}"#, #"{"b":2}"#, "line1\nline2", "[DONE]"])
    }

    @Test func streamYieldsDeltasThenLastUsageThenFinished() async throws {
        let events = [
            #"{"choices":[{"delta":{"content":"Hel"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}}"#,
            #"{"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2}}"#,
        ]
        let stream = try await OpenAIChat.events(from: sseResponse(events + ["[DONE]"]), provider: "p")
        var received: [InferenceEvent] = []
        for try await event in stream { received.append(event) }
        #expect(
            received.textDeltas == [
                .delta("Hel"), .delta("lo"), .usage(TokenUsage(inputTokens: 5, outputTokens: 2)),
                .finished(reason: "stop"),
            ])
    }

    @Test func paddedDoneEndsTheStreamAndBlankPayloadsAreSkipped() async throws {
        // A provider padding its payloads with spaces and tabs: `[DONE]` still ends the stream (no
        // finish reason came, so without it the stream would have "ended before [DONE]"), a blank
        // payload is not a malformed chunk, and nothing after `[DONE]` is read.
        let events = [#"{"choices":[{"delta":{"content":"Hel"}}]}"#, "\t ", " [DONE] \t", "not JSON"]
        let stream = try await OpenAIChat.events(from: sseResponse(events), provider: "p")
        var received: [InferenceEvent] = []
        for try await event in stream { received.append(event) }
        #expect(received.textDeltas == [.delta("Hel"), .finished(reason: nil)])
    }

    @Test func streamEndingEarlyThrows() async throws {
        let stream = try await OpenAIChat.events(
            from: sseResponse([#"{"choices":[{"delta":{"content":"x"}}]}"#]), provider: "p")
        await #expect(throws: ProviderError.self) {
            for try await _ in stream {}
        }
    }

    @Test func streamErrorStatusThrowsBeforeEvents() async {
        let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
            continuation.yield(Array(#"{"error":"Rate limit reached"}"#.utf8))
            continuation.finish()
        }
        let response = HTTPStreamingResponse(status: 429, headers: [HTTPHeader("Retry-After", "3")], body: body)
        await #expect {
            _ = try await OpenAIChat.events(from: response, provider: "p")
        } throws: { error in
            let e = error as? ProviderError
            return e?.code == .rateLimited && e?.retryAfterMs == 3000
        }
    }

    func sseResponse(_ events: [String]) -> HTTPStreamingResponse {
        let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
            for event in events { continuation.yield(Array("data: \(event)\n\n".utf8)) }
            continuation.finish()
        }
        return HTTPStreamingResponse(
            status: 200, headers: [HTTPHeader("Content-Type", "text/event-stream")], body: body)
    }
}
