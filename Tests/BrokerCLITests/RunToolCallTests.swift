import Foundation
import ProviderSimulator
import Testing

@Suite("broker run carries tool calls and the whole message")
struct RunToolCallTests {
    static let tools = #"[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]"#
    static let arguments = #"{"query":"weather in Paris","unit":"celsius","days":3}"#

    @Test("--format json has tool_calls, finish_reason and the message, plain and streamed; the table prints the call")
    func toolCalls() async throws {
        let market = try SimulatedMarket(fixtures: SimulatorFixtures())
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        let base = ["run", "--model", "l8", "--prompt", "weather in Paris", "--param", "tools=\(Self.tools)"]
        for extra in [[], ["--stream"]] {
            let result = try await market.broker(base + extra + ["--format", "json"])
            #expect(result.code == 0, "\(result.stderr)")
            let last = try #require(result.stdout.split(separator: "\n").last)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect(object["finish_reason"] as? String == "tool_calls", "\(extra)")
            let calls = try #require(object["tool_calls"] as? [[String: Any]], "\(extra): \(last)")
            let function = try #require(calls.first?["function"] as? [String: Any])
            #expect(function["name"] as? String == "get_weather")
            #expect(function["arguments"] as? String == Self.arguments)
            #expect(calls.first?["index"] == nil, "a whole message's calls carry no stream index")
            let message = try #require(object["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] is NSNull)
        }
        let table = try await market.broker(base + ["--format", "table"])
        #expect(table.code == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("tool call get_weather(\(Self.arguments)) id=call_sim_"), "\(table.stdout)")
    }
}
