import Adapters
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: chat completions, plain and streamed")
struct ChatCompletionTests {
    @Test(
        "a plain chat is routed like broker run, billed exactly and named in the headers",
        arguments: ServeModel.allCases)
    func plainChat(_ model: ServeModel) async throws {
        let h = try await ServeHarness(model: model)
        let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(response.status == 200, "\(response.text)")
        let object = try #require(ServeHarness.json(response) as? [String: Any])
        #expect(object["object"] as? String == "chat.completion")
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: Any])?["content"] as? String == "hello broker")
        #expect(response.header("x-broker-provider") == "hf")
        #expect(response.header("x-broker-served-by") == "groq")
        let usage = try #require(object["usage"] as? [String: Int])
        let input = try #require(usage["prompt_tokens"])
        let output = try #require(usage["completion_tokens"])
        // groq: $0.05 and $0.08 per million tokens = 50,000 and 80,000 pico-USD per token.
        let nano = (input * 50_000 + output * 80_000 + 500) / 1000
        #expect(response.header("x-broker-cost-nano-usd") == String(nano))
        // The provider got the registry's credential, never a client header; the ledger has the request.
        let upstream = try #require(h.simulator.requests.last { $0.path == "/v1/chat/completions" })
        #expect(upstream.header("Authorization") == "Bearer \(ServeHarness.hfToken)")
        #expect(String(decoding: upstream.body, as: UTF8.self).contains("\(ServeHarness.llama8B):groq"))
        let ledger = try await h.send("GET", "/v1/usage")
        let rows = try #require(ServeHarness.json(ledger) as? [[String: Any]])
        #expect(rows.first { $0["provider"] as? String == "hf" }?["requests"] as? Int == 1)
        #expect(!response.text.contains(ServeHarness.hfToken))
        await h.stop()
    }

    @Test("a request that fails over is one request of two attempts and one error in /v1/usage, billed once")
    func failoverInUsage() async throws {
        let h = try await ServeHarness()
        h.simulator.inject(.serverError(502), pathPrefix: "/v1/chat/completions", count: 1)
        let response = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(response.status == 200, "\(response.text)")
        let broker = try #require((ServeHarness.json(response) as? [String: Any])?["broker"] as? [String: Any])
        let attempts = try #require(broker["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["status"] as? Int } == [502, 200])
        #expect(attempts.last?["outcome"] as? String == "ok")
        let rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage?by=provider")) as? [[String: Any]])
        let hf = try #require(rows.first { $0["provider"] as? String == "hf" })
        #expect(hf["requests"] as? Int == 1)
        #expect(hf["attempts"] as? Int == 2)
        #expect(hf["errors"] as? Int == 1)
        #expect(hf["cost_nano_usd"] as? Int == broker["cost_nano_usd"] as? Int)
        await h.stop()
    }

    @Test(
        "the model field takes :served_by and :policy suffixes, aliases and a broker object",
        arguments: ServeModel.allCases)
    func modelSelection(_ model: ServeModel) async throws {
        let h = try await ServeHarness(model: model)
        // Before the broker has figures of its own, fastest goes by the providers' (groq: 120 ms to first token).
        let fastest = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8:fastest"))
        #expect(fastest.header("x-broker-served-by") == "groq")
        let pinned = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("\(ServeHarness.llama8B):scaleway"))
        #expect(pinned.status == 200, "\(pinned.text)")
        #expect(pinned.header("x-broker-served-by") == "scaleway")
        let eu = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["broker": ["region": "eu"]]))
        #expect(eu.status == 200, "\(eu.text)")
        #expect(eu.header("x-broker-served-by") == "scaleway")  // the only EU offer of this model
        let capped = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat("l8", extra: ["broker": ["provider": "hf:nscale", "max_price": 0.5]]))
        #expect(capped.header("x-broker-served-by") == "nscale")
        await h.stop()
    }

    @Test("stream: true answers OpenAI SSE chunks, usage last when asked, then [DONE]", arguments: ServeModel.allCases)
    func streamedChat(_ model: ServeModel) async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "one two three four five"
        let h = try await ServeHarness(fixtures: fixtures, model: model)
        let response = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat("l8", extra: ["stream": true, "stream_options": ["include_usage": true]]))
        #expect(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type") == "text/event-stream")
        #expect(response.header("x-broker-served-by") == "groq")
        let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        let chunks = events.dropLast().compactMap { event -> [String: Any]? in
            guard event.hasPrefix("data: ") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any]
        }
        #expect(chunks.count == events.count - 1)
        let text = chunks.compactMap {
            (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
        }
        .joined()
        #expect(text == "one two three four five")
        #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
        let finish = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
        #expect(finish == ["stop"])
        let usage = try #require(chunks.last?["usage"] as? [String: Int])
        #expect(usage["completion_tokens"] == 5)
        #expect((chunks.last?["choices"] as? [Any])?.isEmpty == true)
        // Without include_usage no usage chunk is sent.
        let plain = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["stream": true]))
        #expect(!plain.text.contains("\"usage\""))
        #expect(plain.text.hasSuffix("data: [DONE]\n\n"))
        await h.stop()
    }

    @Test(
        "a streamed answer's broker member says what each attempt got: the failed one's 502 and the answer's 200, not null"
    )
    func streamedAttemptStatus() async throws {
        let h = try await ServeHarness()
        h.simulator.inject(.serverError(502), pathPrefix: "/v1/chat/completions", count: 1)
        let response = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("l8", extra: ["stream": true]))
        #expect(response.status == 200, "\(response.text)")
        let chunks = response.text.components(separatedBy: "\n\n").compactMap { event -> [String: Any]? in
            guard event.hasPrefix("data: {") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any]
        }
        let broker = try #require(chunks.compactMap { $0["broker"] as? [String: Any] }.last, "\(response.text)")
        let attempts = try #require(broker["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["status"] as? Int } == [502, 200], "\(attempts)")
        await h.stop()
    }
}
