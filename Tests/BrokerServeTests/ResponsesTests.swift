import Adapters
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

@Suite("broker serve: POST /v1/responses, translated to chat completions")
struct ResponsesTests {
    @Test(
        "a streamed text answer is the documented event sequence; the plain one a response object",
        arguments: ServeModel.allCases)
    func textAnswer(_ model: ServeModel) async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "one two three"
        let h = try await ServeHarness(fixtures: fixtures, model: model)
        defer { Task { await h.stop() } }
        let plain = try await h.send(
            "POST", "/v1/responses",
            json: [
                "model": "l8", "instructions": "Be brief.",
                "input": [
                    ["role": "developer", "content": "Use French."],
                    ["role": "user", "content": [["type": "input_text", "text": "hi"]]],
                ], "max_output_tokens": 50,
            ])
        #expect(plain.status == 200, "\(plain.text)")
        let response = try JSONParser.parse(plain.body)
        #expect(response["object"] == "response" && response["status"] == "completed")
        #expect(response["id"]?.stringValue?.hasPrefix("resp_") == true)
        let item = try #require(response["output"]?.arrayValue?.first)
        #expect(item["type"] == "message" && item["role"] == "assistant")
        #expect(item["content"]?.arrayValue?.first?["text"] == "one two three")
        #expect(response["usage"]?["output_tokens"] == 3)
        #expect(response["max_output_tokens"] == 50)
        #expect(response["broker"]?["cost_nano_usd"]?.intValue != nil)
        let upstream = try #require(h.simulator.requests.last { $0.path == "/v1/chat/completions" }?.json)
        let messages = try #require(upstream["messages"]?.arrayValue)
        #expect(messages.map { $0["role"] } == ["system", "system", "user"])
        #expect(messages.last?["content"]?.arrayValue?.first?["type"] == "text")
        #expect(upstream["max_tokens"] == 50)

        let streamed = try await h.send("POST", "/v1/responses", json: ["model": "l8", "input": "hi", "stream": true])
        #expect(streamed.status == 200)
        #expect(streamed.header("Content-Type") == "text/event-stream")
        let events = streamed.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        var types: [String] = []
        var deltas = ""
        for (n, event) in events.enumerated() {
            let lines = event.components(separatedBy: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("event: ") && lines[1].hasPrefix("data: "), "\(event)")
            let data = try JSONParser.parse(String(lines[1].dropFirst(6)))
            #expect(data["type"]?.stringValue == String(lines[0].dropFirst(7)))
            #expect(data["sequence_number"]?.intValue == n)
            if types.last != data["type"]?.stringValue { types.append(data["type"]?.stringValue ?? "") }
            if data["type"] == "response.output_text.delta" { deltas += data["delta"]?.stringValue ?? "" }
            if data["type"] == "response.completed" {
                #expect(data["response"]?["usage"]?["output_tokens"] == 3)
                #expect(
                    data["response"]?["output"]?.arrayValue?.first?["content"]?.arrayValue?.first?["text"]
                        == "one two three")
            }
        }
        #expect(
            types == [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed",
            ])
        #expect(deltas == "one two three")
    }

    @Test("previous_response_id and non-function tools are refused with a 400 naming them")
    func refusals() async throws {
        let h = try await ServeHarness()
        defer { Task { await h.stop() } }
        let previous = try await h.send(
            "POST", "/v1/responses", json: ["model": "l8", "input": "again", "previous_response_id": "resp_1"])
        #expect(previous.status == 400)
        #expect(try JSONParser.parse(previous.body)["error"]?["param"] == "previous_response_id")
        let search = try await h.send(
            "POST", "/v1/responses", json: ["model": "l8", "input": "news", "tools": [["type": "web_search"]]])
        #expect(search.status == 400)
        #expect(search.text.contains("only function tools"))
    }
}
