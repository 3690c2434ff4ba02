import ProviderInterface
import Testing

@testable import Adapters

@Suite("Hugging Face chat")
struct HuggingFaceChatTests {
    static let answer =
        #"{"id":"1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Bonjour"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"#

    static func request(servedBy: String? = "scaleway", policy: String? = nil) -> InferenceRequest {
        InferenceRequest(
            model: "meta-llama/Llama-3.1-8B-Instruct", task: .conversational, servedBy: servedBy,
            aggregatorPolicy: policy,
            messages: [ChatMessage(role: "user", content: "Say hello in French")],
            parameters: HFTest.obj(["max_tokens": 20]))
    }

    @Test func pinnedChatRequestIsExact() async throws {
        let (adapter, transport) = HFTest.adapter(HFTest.entry(options: ["bill_to": "my-org"])) { _ in
            HFTest.json(Self.answer)
        }
        let response = try await adapter.runInference(Self.request())
        #expect(response.output == .text("Bonjour"))
        #expect(response.usage == TokenUsage(inputTokens: 9, outputTokens: 2))
        #expect(response.servedBy == "scaleway")
        #expect(response.finishReason == "stop")
        let sent = try #require(transport.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.url == "https://router.test/v1/chat/completions")
        #expect(sent.header("authorization") == "Bearer \(HFTest.token)")
        #expect(sent.header("x-hf-bill-to") == "my-org")
        #expect(sent.header("content-type") == "application/json")
        #expect(
            HFTest.bodyText(sent)
                == #"{"model":"meta-llama/Llama-3.1-8B-Instruct:scaleway","messages":[{"role":"user","content":"Say hello in French"}],"max_tokens":20}"#
        )
    }

    @Test(arguments: [
        (String?.none, String?.none, "meta-llama/Llama-3.1-8B-Instruct"),
        ("together", "cheapest", "meta-llama/Llama-3.1-8B-Instruct:together"),
        (nil, "cheapest", "meta-llama/Llama-3.1-8B-Instruct:cheapest"),
        (nil, "FASTEST", "meta-llama/Llama-3.1-8B-Instruct:fastest"),
        (nil, "preferred", "meta-llama/Llama-3.1-8B-Instruct:preferred"),
        (nil, "random", "meta-llama/Llama-3.1-8B-Instruct"),
    ])
    func modelFieldNamesThePinnedProviderOrPolicy(servedBy: String?, policy: String?, expected: String) {
        #expect(HFChat.modelField(Self.request(servedBy: servedBy, policy: policy)) == expected)
    }

    @Test func missingTokenIsAnAuthErrorNamingTheVariable() async {
        let (adapter, transport) = HFTest.adapter(token: nil) { _ in HFTest.json(Self.answer) }
        await #expect {
            _ = try await adapter.runInference(Self.request())
        } throws: { error in
            let e = error as? ProviderError
            return e?.code == .auth && e?.message.contains("HF_TOKEN") == true
        }
        #expect(transport.requests.isEmpty)
    }

    static let usageLast = [
        #"{"choices":[{"index":0,"delta":{"role":"assistant","content":"Bon"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"jour"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2}}"#,
    ]
    static let usageEvery = [
        #"{"choices":[{"index":0,"delta":{"content":"Bon"}}],"usage":{"prompt_tokens":9,"completion_tokens":1}}"#,
        #"{"choices":[{"index":0,"delta":{"content":"jour"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2}}"#,
    ]
    static let usageFinalEmpty = [
        #"{"choices":[{"index":0,"delta":{"content":"Bon"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"jour"},"finish_reason":"stop"}]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}}"#,
    ]
    static let usageAbsent = [
        #"{"choices":[{"index":0,"delta":{"content":"Bon"}}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"jour"},"finish_reason":"stop"}]}"#,
    ]

    static func sse(_ events: [String], space: Bool = true) -> HTTPResponse {
        let prefix = space ? "data: " : "data:"
        let text = (events + ["[DONE]"]).map { prefix + $0 + "\n\n" }.joined()
        return HTTPResponse(
            status: 200, headers: [HTTPHeader("Content-Type", "text/event-stream")], body: Array(text.utf8))
    }

    func collect(_ adapter: HuggingFaceAdapter) async throws -> [InferenceEvent] {
        var events: [InferenceEvent] = []
        for try await event in try await adapter.streamInference(Self.request()) { events.append(event) }
        return events
    }

    @Test(arguments: [(usageLast, true), (usageEvery, false), (usageFinalEmpty, true)])
    func streamedUsageIsReportedWhereverItAppears(events: [String], space: Bool) async throws {
        let (adapter, transport) = HFTest.adapter { _ in Self.sse(events, space: space) }
        let received = try await collect(adapter)
        #expect(
            received.textDeltas == [
                .delta("Bon"), .delta("jour"), .usage(TokenUsage(inputTokens: 9, outputTokens: 2)),
                .finished(reason: "stop"),
            ])
        let sent = try #require(transport.requests.first)
        #expect(sent.header("accept") == "text/event-stream")
        #expect(
            HFTest.bodyText(sent).hasSuffix(#""max_tokens":20,"stream":true,"stream_options":{"include_usage":true}}"#))
    }

    @Test func streamWithoutUsageHasNoUsageEvent() async throws {
        let (adapter, _) = HFTest.adapter { _ in Self.sse(Self.usageAbsent) }
        #expect(try await collect(adapter).textDeltas == [.delta("Bon"), .delta("jour"), .finished(reason: "stop")])
    }

    @Test func inBandStreamErrorIsThrownNotYieldedAsText() async throws {
        let (adapter, _) = HFTest.adapter { _ in
            Self.sse([Self.usageAbsent[0], #"{"error":"Input validation error: too long","error_type":"validation"}"#])
        }
        var texts: [String] = []
        await #expect {
            for try await event in try await adapter.streamInference(Self.request()) {
                if let t = event.text, !t.isEmpty { texts.append(t) }
            }
        } throws: { error in
            (error as? ProviderError)?.message.contains("Input validation error") == true
        }
        #expect(texts == ["Bon"])
    }

    @Test func streamErrorStatusThrowsBeforeTheStream() async {
        let (adapter, _) = HFTest.adapter { _ in
            HFTest.json(
                #"{"error":{"message":"model_not_supported by provider","type":"invalid_request_error","code":"model_not_supported"}}"#,
                status: 400)
        }
        await #expect {
            _ = try await adapter.streamInference(Self.request())
        } throws: { ($0 as? ProviderError)?.code == .notServed }
    }

    @Test func tokenNeverAppearsInErrors() async throws {
        let bodies = [
            (401, #"{"error":"Invalid credentials in Authorization header: Bearer \#(HFTest.token)"}"#),
            (500, "internal error for token \(HFTest.token)"),
            (200, "not json \(HFTest.token)"),
        ]
        for (status, body) in bodies {
            let (adapter, _) = HFTest.adapter { _ in HFTest.json(body, status: status) }
            do {
                _ = try await adapter.runInference(Self.request())
                Issue.record("expected an error for \(status)")
            } catch {
                #expect(!error.description.contains(HFTest.token))
                #expect(!error.message.contains(HFTest.token))
            }
        }
    }
}
