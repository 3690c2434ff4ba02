import Adapters
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

/// What a provider sends comes back to the client: tool calls, several choices, logprobs,
/// reasoning, provider members; what a client sends goes up: content parts, `n`, `user`, tools.
@Suite("broker serve passes OpenAI answers and requests through")
struct PassThroughTests {
    /// The two dialects: the Hugging Face router (`l8` through groq) and an OpenAI-compatible
    /// provider (acme, Together-style).
    static let models = [ServeHarness.llama8B, "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"]

    static var tools: [[String: Any]] {
        [
            [
                "type": "function",
                "function": [
                    "name": "get_weather", "description": "Weather for a city",
                    "parameters": ["type": "object", "properties": ["query": ["type": "string"]]],
                ],
            ]
        ]
    }

    /// The arguments the simulator answers with for this prompt.
    static func expectedArguments(_ prompt: String) -> String {
        var out = JSONOutput()
        out.beginObject()
        out.member("query", prompt)
        out.member("unit", "celsius")
        out.key("days")
        out.integer(3)
        out.endObject()
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// The `data:` chunks of an SSE body, parsed (without `[DONE]`).
    static func chunks(_ response: HTTPResponse) throws -> [JSONValue] {
        let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        return try events.dropLast().map { event in
            #expect(event.hasPrefix("data: "))
            return try JSONParser.parse(String(event.dropFirst(6)))
        }
    }

    @Test(
        "a tool call comes back whole, plain and streamed, with byte-identical arguments",
        arguments: [(models[0], ServeModel.eventLoops), (models[1], ServeModel.connectionThreads)])
    func toolCall(_ model: String, _ serveModel: ServeModel) async throws {
        let h = try await ServeHarness(model: serveModel)
        defer { Task { await h.stop() } }
        let prompt = #"Weather in "Paris", Île-de-France?"#
        let plain = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat(
                model, prompt, extra: ["tools": Self.tools, "user": "u-42", "parallel_tool_calls": false]))
        #expect(plain.status == 200, "\(plain.text)")
        let answer = try JSONParser.parse(plain.body)
        let choice = try #require(answer["choices"]?.arrayValue?.first)
        #expect(choice["finish_reason"] == "tool_calls")
        #expect(choice["message"]?["content"] == .null)
        let call = try #require(choice["message"]?["tool_calls"]?.arrayValue?.first)
        #expect(call["type"] == "function")
        #expect(call["function"]?["name"] == "get_weather")
        #expect(call["function"]?["arguments"]?.stringValue == Self.expectedArguments(prompt))
        #expect(call["id"]?.stringValue?.hasPrefix("call_sim_") == true)
        #expect(answer["broker"]?["request_id"] != nil)
        #expect(answer["model"] == .string(model))
        // The request went up whole: tools, user and every other parameter.
        let upstream = try #require(h.simulator.requests.last { $0.path.hasSuffix("/chat/completions") }?.json)
        #expect(upstream["user"] == "u-42")
        #expect(upstream["parallel_tool_calls"] == false)
        #expect(upstream["tools"]?.arrayValue?.first?["function"]?["name"] == "get_weather")

        let streamed = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat(
                model, prompt, extra: ["tools": Self.tools, "stream": true, "stream_options": ["include_usage": true]]))
        #expect(streamed.status == 200, "\(streamed.text)")
        let chunks = try Self.chunks(streamed)
        let pieces = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue?.first }
        #expect(pieces.count >= 3, "the arguments arrive in fragments")
        #expect(pieces.allSatisfy { $0["index"] == 0 })
        #expect(pieces.first?["id"]?.stringValue?.hasPrefix("call_sim_") == true)
        #expect(pieces.first?["function"]?["name"] == "get_weather")
        let arguments = pieces.compactMap { $0["function"]?["arguments"]?.stringValue }.joined()
        #expect(arguments == Self.expectedArguments(prompt))
        let reasons = chunks.compactMap { $0["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue }
        #expect(reasons == ["tool_calls"])
        #expect(chunks.allSatisfy { $0["model"] == .string(model) && $0["object"] == "chat.completion.chunk" })
        // Usage and the broker's account come once, last, with no choices.
        #expect(chunks.filter { $0["usage"] != nil }.count == 1)
        let fragments = pieces.filter { $0["function"]?["arguments"]?.stringValue?.isEmpty == false }
        #expect(chunks.last?["usage"]?["completion_tokens"]?.intValue == fragments.count)
        #expect(chunks.last?["broker"]?["cost_nano_usd"]?.intValue != nil)
        #expect(chunks.last?["choices"] == [])

        let ledger = try JSONParser.parse(try await h.send("GET", "/v1/usage").body)
        #expect(ledger.arrayValue?.reduce(0) { $0 + ($1["requests"]?.intValue ?? 0) } == 2, "each billed once")
    }

    @Test("n, logprobs, reasoning and provider members pass through, plain and streamed", arguments: models)
    func choicesLogprobsAndReasoning(_ model: String) async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "two words"
        fixtures.chatAnswers["meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"] = "two words"
        let h = try await ServeHarness(fixtures: fixtures)
        defer { Task { await h.stop() } }
        let extra: [String: Any] = ["n": 2, "logprobs": true, "reasoning_effort": "low"]
        let plain = try JSONParser.parse(
            try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat(model, extra: extra)).body)
        let choices = try #require(plain["choices"]?.arrayValue)
        #expect(choices.map { $0["index"] } == [0, 1])
        #expect(choices.allSatisfy { $0["message"]?["content"] == "two words" })
        #expect(choices.allSatisfy { $0["logprobs"]?["content"]?.arrayValue?.count == 2 })
        #expect(choices.first?["logprobs"]?["content"]?.arrayValue?.first?["token"] == "two ")
        #expect(choices.first?["message"]?["reasoning_content"] == "Thinking it over first.")
        // OpenAI-style hosts send a system fingerprint; it comes through untouched.
        if model != ServeHarness.llama8B {
            #expect(plain["system_fingerprint"]?.stringValue?.hasPrefix("fp_sim_") == true)
        }

        let streamed = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat(model, extra: extra.merging(["stream": true]) { $1 }))
        let chunks = try Self.chunks(streamed)
        for index in 0..<2 {
            let mine = chunks.compactMap { chunk in
                chunk["choices"]?.arrayValue?.first { $0["index"]?.intValue == index }
            }
            let text = mine.compactMap { $0["delta"]?["content"]?.stringValue }.joined()
            #expect(text == "two words")
            let reasoning = mine.compactMap { $0["delta"]?["reasoning_content"]?.stringValue }.joined()
            #expect(reasoning == "Thinking it over first.")
            #expect(mine.compactMap { $0["logprobs"]?["content"]?.arrayValue }.joined().count == 2)
        }
        let ledger = try JSONParser.parse(try await h.send("GET", "/v1/usage").body)
        #expect(ledger.arrayValue?.reduce(0) { $0 + ($1["requests"]?.intValue ?? 0) } == 2)
    }

    @Test("a vision message's parts reach a provider that takes images, as sent")
    func visionMessage() async throws {
        let h = try await ServeHarness()
        let vision = "mistralai/Mistral-Small-3.1-24B-Instruct-2503"
        defer { Task { await h.stop() } }
        let content: [[String: Any]] = [
            ["type": "text", "text": "What is in this picture?"],
            ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"]],
        ]
        let response = try await h.send(
            "POST", "/v1/chat/completions",
            json: ["model": vision, "messages": [["role": "user", "content": content]], "max_tokens": 64])
        #expect(response.status == 200, "\(response.text)")
        let answer = try JSONParser.parse(response.body)
        let text = try #require(answer["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue)
        #expect(text.hasPrefix("I see 1 image."))
        let upstream = try #require(h.simulator.requests.last { $0.path == "/v1/chat/completions" }?.json)
        let parts = try #require(upstream["messages"]?.arrayValue?.first?["content"]?.arrayValue)
        #expect(parts.count == 2)
        #expect(parts.last?["image_url"]?["url"] == "data:image/png;base64,iVBORw0KGgo=")
        #expect(parts.last?["image_url"]?["detail"] == "low")
    }

    @Test("an image for a model whose offers all lack image input is refused, naming vision")
    func visionRefused() async throws {
        let h = try await ServeHarness()
        defer { Task { await h.stop() } }
        let content: [[String: Any]] = [["type": "image_url", "image_url": ["url": "data:image/png;base64,AA=="]]]
        let response = try await h.send(
            "POST", "/v1/chat/completions", json: ["model": "l8", "messages": [["role": "user", "content": content]]])
        #expect(response.status == 404, "\(response.text)")
        let error = try JSONParser.parse(response.body)["error"]
        #expect(error?["code"] == "no_offer_fits")
        #expect(error?["message"]?.stringValue?.contains("does not support vision") == true, "\(response.text)")
        #expect(!h.simulator.requests.contains { $0.path == "/v1/chat/completions" }, "nothing was sent")
    }

    @Test("a tool result goes back up and the answer is text again")
    func toolResultRoundTrip() async throws {
        let h = try await ServeHarness()
        defer { Task { await h.stop() } }
        let messages: [[String: Any]] = [
            ["role": "user", "content": "Weather in Paris?"],
            [
                "role": "assistant", "content": NSNull(),
                "tool_calls": [
                    [
                        "id": "call_1", "type": "function",
                        "function": ["name": "get_weather", "arguments": #"{"query":"Paris"}"#],
                    ]
                ],
            ],
            ["role": "tool", "tool_call_id": "call_1", "content": "18 degrees"],
        ]
        let response = try await h.send(
            "POST", "/v1/chat/completions", json: ["model": "l8", "messages": messages, "tools": Self.tools])
        #expect(response.status == 200, "\(response.text)")
        let answer = try JSONParser.parse(response.body)
        #expect(answer["choices"]?.arrayValue?.first?["finish_reason"] == "stop")
        let upstream = try #require(h.simulator.requests.last { $0.path == "/v1/chat/completions" }?.json)
        let sent = try #require(upstream["messages"]?.arrayValue)
        #expect(sent[1]["tool_calls"]?.arrayValue?.first?["id"] == "call_1")
        #expect(sent[1]["content"] == .null)
        #expect(sent[2]["tool_call_id"] == "call_1")
    }

    @Test("a stream that breaks before any output fails over, and the client sees one clean stream from the next offer")
    func failoverBeforeOutputLeavesNothingBehind() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "hi"
        let h = try await ServeHarness(fixtures: fixtures)
        defer { Task { await h.stop() } }
        // The first try sends its role chunk, then the connection drops: no output yet.
        h.simulator.inject(.truncatedStream, pathPrefix: "/v1/chat/completions", count: 1)
        let response = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["stream": true]))
        #expect(response.status == 200, "\(response.text)")
        let chunks = try Self.chunks(response)
        let roles = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["role"] }
        #expect(roles == ["assistant"], "the failed try's role chunk was held back")
        let text = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
        #expect(text == "hi")
        #expect(chunks.last?["broker"]?["attempts"]?.arrayValue?.count == 2)
        #expect(h.simulator.requests.filter { $0.path == "/v1/chat/completions" }.count == 2)
    }

    @Test("a stream that breaks in the middle of a tool call ends with an error event, not a retry elsewhere")
    func faultMidToolCall() async throws {
        let h = try await ServeHarness()
        defer { Task { await h.stop() } }
        h.simulator.inject(.truncatedStream, pathPrefix: "/v1/chat/completions", count: 1)
        let prompt = "a long enough question to split the arguments into many fragments"
        let response = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat("l8", prompt, extra: ["tools": Self.tools, "stream": true]))
        #expect(response.status == 200)
        let chunks = try Self.chunks(response)
        let fragments = chunks.compactMap {
            $0["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]?
                .stringValue
        }
        #expect(!fragments.isEmpty, "part of the call reached the client")
        #expect(fragments.joined() != Self.expectedArguments(prompt))
        #expect(chunks.last?["error"] != nil, "\(response.text)")
        #expect(
            h.simulator.requests.filter { $0.path == "/v1/chat/completions" }.count == 1, "no second try after output")
    }
}
