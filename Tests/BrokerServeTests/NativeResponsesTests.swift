import Adapters
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

/// A provider whose registry row says `"responses": "native"` serves `POST /v1/responses`
/// itself: the client's request goes to its `/responses` unchanged, its answer and events come
/// back as sent, billed from its `usage`.
@Suite("broker serve: POST /v1/responses passed through to a provider that serves it")
struct NativeResponsesTests {
    /// A harness whose registry adds the `nativeco` provider ($0.05/$0.20 per million tokens).
    static func harness(model: ServeModel = .eventLoops) async throws -> ServeHarness {
        try await ServeHarness(
            model: model,
            editRegistry: { text in
                guard let start = text.range(of: #""base_url": ""#)?.upperBound,
                    let end = text[start...].firstIndex(of: "\""),
                    let close = text.range(of: "]}", options: .backwards)
                else { return text }
                let base = String(text[start..<end])
                return text.replacingCharacters(
                    in: close.lowerBound..<close.lowerBound,
                    with: ProviderSimulator.nativeResponsesRegistryEntry(baseURL: base) + "\n")
            })
    }

    /// Cost in nano-USD at $0.05/$0.20 per million tokens (50,000 and 200,000 pico-USD a token).
    static func nanoUSD(input: Int, output: Int) -> Int { (input * 50_000 + output * 200_000) / 1_000 }

    @Test(
        "plain: the provider's response object as sent, the request upstream unchanged, billed from its usage",
        arguments: ServeModel.allCases)
    func plain(_ model: ServeModel) async throws {
        let h = try await Self.harness(model: model)
        defer { Task { await h.stop() } }
        let body: [String: Any] = [
            "model": SimulatorFixtures.nativeResponsesModel, "input": "one two three", "instructions": "Be brief.",
            "metadata": ["k": "v"], "x_vendor": ["a": 1], "max_output_tokens": 40,
        ]
        let response = try await h.send("POST", "/v1/responses", json: body)
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("x-broker-provider") == "nativeco")
        let answer = try JSONParser.parse(response.body)
        let parsed = try #require(OpenAIResponse(parsing: answer))
        #expect(parsed.id.hasPrefix("resp_sim_"), "the provider's own id: not translated by the broker")
        #expect(parsed.items.first?.kind == .other(type: "reasoning"), "items the broker never makes come through")
        #expect(parsed.extra["service_tier"] == "default")
        #expect(!parsed.outputText.isEmpty)
        let usage = try #require(parsed.tokenUsage)
        #expect(
            answer["broker"]?["cost_nano_usd"]?.intValue
                == Self.nanoUSD(input: Int(usage.inputTokens), output: Int(usage.outputTokens)))

        let upstream = try #require(h.simulator.requests.last { $0.path == "/nativeco/v1/responses" }?.json)
        let sent = try JSONParser.parse(Array(try JSONSerialization.data(withJSONObject: body)))
        let relayed = try #require(OpenAIResponsesRequest(parsing: upstream))
        let written = try #require(OpenAIResponsesRequest(parsing: sent))
        #expect(
            relayed.model == written.model && relayed.input == written.input
                && relayed.instructions == written.instructions)
        // Every other member as the client wrote it (JSON members have no order).
        #expect(
            Dictionary(uniqueKeysWithValues: relayed.parameters.members.map { ($0.key, $0.value) })
                == Dictionary(uniqueKeysWithValues: written.parameters.members.map { ($0.key, $0.value) }),
            "sent as the client wrote it")
        #expect(upstream["stream"] == nil)
        #expect(!h.simulator.requests.contains { $0.path == "/nativeco/v1/chat/completions" })

        let rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage?by=provider")) as? [[String: Any]])
        let row = try #require(rows.first { $0["provider"] as? String == "nativeco" })
        #expect(row["requests"] as? Int == 1)
        #expect(
            row["input_tokens"] as? Int == Int(usage.inputTokens)
                && row["output_tokens"] as? Int == Int(usage.outputTokens))
        #expect(row["cost_nano_usd"] as? Int == answer["broker"]?["cost_nano_usd"]?.intValue)
    }

    @Test(
        "streamed: the provider's events as sent, its sequence numbers, the broker's account on response.completed",
        arguments: ServeModel.allCases)
    func streamed(_ model: ServeModel) async throws {
        let h = try await Self.harness(model: model)
        defer { Task { await h.stop() } }
        let tools: [[String: Any]] = [["type": "function", "name": "get_weather", "parameters": ["type": "object"]]]
        let response = try await h.send(
            "POST", "/v1/responses",
            json: [
                "model": SimulatorFixtures.nativeResponsesModel, "input": "weather in Paris?", "tools": tools,
                "stream": true,
            ])
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type") == "text/event-stream")
        var events: [OpenAIResponseEvent] = []
        for block in response.text.components(separatedBy: "\n\n") where !block.isEmpty {
            let lines = block.components(separatedBy: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("event: ") && lines[1].hasPrefix("data: "), "\(block)")
            let event = try #require(OpenAIResponseEvent(parsing: try JSONParser.parse(String(lines[1].dropFirst(6)))))
            #expect(event.type == String(lines[0].dropFirst(7)))
            events.append(event)
        }
        #expect(events.map(\.sequenceNumber) == Array(0..<events.count))
        #expect(events.first?.response?.id.hasPrefix("resp_sim_") == true, "the provider's own events")
        #expect(events.first?.response?.extra["service_tier"] == "default")
        let arguments = events.filter { $0.type == "response.function_call_arguments.delta" }.compactMap(\.delta)
        #expect(arguments.count > 1, "the arguments arrive in pieces")
        let completed = try #require(events.last)
        #expect(completed.type == "response.completed")
        let final = try #require(completed.response)
        guard case .functionCall(_, let name, let whole)? = final.items.first?.kind else {
            Issue.record("no function call in \(final.items)")
            return
        }
        #expect(name == "get_weather" && whole == arguments.joined())
        let usage = try #require(final.tokenUsage)
        let broker = try #require(final.extra["broker"])
        #expect(
            broker["cost_nano_usd"]?.intValue
                == Self.nanoUSD(input: Int(usage.inputTokens), output: Int(usage.outputTokens)))
        let upstream = try #require(h.simulator.requests.last { $0.path == "/nativeco/v1/responses" }?.json)
        #expect(upstream["stream"] == true && upstream["tools"]?.arrayValue?.first?["name"] == "get_weather")

        let rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage?by=provider")) as? [[String: Any]])
        let row = try #require(rows.first { $0["provider"] as? String == "nativeco" })
        #expect(row["requests"] as? Int == 1 && row["output_tokens"] as? Int == Int(usage.outputTokens))
    }

    @Test("a native stream broken mid function call ends with an error event; the delivered part is billed, estimated")
    func brokenMidCall() async throws {
        let h = try await Self.harness()
        defer { Task { await h.stop() } }
        h.simulator.inject(.breakMidToolCall(fragments: 2), pathPrefix: "/nativeco/v1/responses", count: 1)
        let tools: [[String: Any]] = [["type": "function", "name": "get_weather", "parameters": ["type": "object"]]]
        let response = try await h.send(
            "POST", "/v1/responses",
            json: [
                "model": SimulatorFixtures.nativeResponsesModel, "input": "weather in Paris, please?", "tools": tools,
                "stream": true,
            ])
        #expect(response.status == 200)
        let events = try response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            try #require(
                OpenAIResponseEvent(
                    parsing: try JSONParser.parse(String(block.components(separatedBy: "\n")[1].dropFirst(6)))))
        }
        #expect(events.filter { $0.type == "response.function_call_arguments.delta" }.count == 2)
        let error = try #require(events.last)
        #expect(error.type == "error" && error.sequenceNumber == events.count - 1)
        #expect(error.extra["usage"]?["estimated"] == true)
        #expect(!events.contains { $0.type == "response.completed" })
        let rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage?by=provider")) as? [[String: Any]])
        let row = try #require(rows.first { $0["provider"] as? String == "nativeco" })
        #expect(row["requests"] as? Int == 1 && row["errors"] as? Int == 1 && (row["output_tokens"] as? Int ?? 0) > 0)
    }
}
