import Broker
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

/// A stream that breaks in the middle of a tool call's arguments: what the client sees, and
/// what the broker bills and records.
@Suite("broker serve: a stream broken mid tool call")
struct ToolCallFaultTests {
    @Test(
        "the client gets the argument pieces sent, then an error saying what was billed; the delivered tokens are billed once, estimated since no usage came",
        arguments: ServeModel.allCases)
    func breakMidToolCall(_ model: ServeModel) async throws {
        let h = try await ServeHarness(model: model)
        defer { Task { await h.stop() } }
        h.simulator.inject(.breakMidToolCall(fragments: 3), pathPrefix: "/v1/chat/completions", count: 1)
        let prompt = "a long enough question to split the arguments into many fragments"
        let response = try await h.send(
            "POST", "/v1/chat/completions",
            json: ServeHarness.chat("l8", prompt, extra: ["tools": PassThroughTests.tools, "stream": true]))
        #expect(response.status == 200, "the stream had started: the status was already sent")
        let chunks = try PassThroughTests.chunks(response)
        let calls = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue?.first }
        let fragments = calls.compactMap { $0["function"]?["arguments"]?.stringValue }.filter { !$0.isEmpty }
        let names = calls.compactMap { $0["function"]?["name"]?.stringValue }
        let name = try #require(names.first)
        #expect(fragments.count == 3, "exactly the pieces sent before the break")
        let full = PassThroughTests.expectedArguments(prompt)
        #expect(
            full.hasPrefix(fragments.joined()) && fragments.joined() != full, "a truncated call, never a made-up end")
        #expect(
            !chunks.contains { $0["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue != nil },
            "no finish reason")

        let error = try #require(chunks.last?["error"], "\(response.text)")
        #expect(error["code"] == "upstream_failed")
        #expect(error["message"]?.stringValue?.contains("after output had started") == true)
        // Billed for what was delivered: the call's name and argument pieces, estimated (no usage came).
        let usage = try #require(error["usage"])
        #expect(usage["estimated"] == true)
        let delivered = name.utf8.count + fragments.joined().utf8.count
        #expect(usage["output_tokens"]?.intValue.map(Int64.init) == RouteRequest.estimateTokens(utf8Count: delivered))
        #expect((usage["input_tokens"]?.intValue ?? 0) > 0)
        let cost = try #require(
            error["cost_nano_usd"]?.intValue, "the offer is priced, so the delivered part has a cost")
        #expect(
            h.simulator.requests.filter { $0.path == "/v1/chat/completions" }.count == 1, "no second try after output")

        let rows = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage?by=provider")) as? [[String: Any]])
        let hf = try #require(rows.first { $0["provider"] as? String == "hf" })
        #expect(hf["requests"] as? Int == 1 && hf["attempts"] as? Int == 1 && hf["errors"] as? Int == 1)
        #expect(hf["output_tokens"] as? Int == usage["output_tokens"]?.intValue)
        #expect(hf["input_tokens"] as? Int == usage["input_tokens"]?.intValue)
        #expect(hf["cost_nano_usd"] as? Int == cost, "the ledger bills what the client was told")
    }
}
