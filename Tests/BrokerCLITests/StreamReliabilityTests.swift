import Foundation
import ProviderSimulator
import Testing

/// Streams are bounded by silence, not by length; what a broken stream delivered is billed.
@Suite("streams bounded by silence")
struct StreamReliabilityTests {
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"
    /// Ten words: the simulator echoes them back as ten content chunks (plus role, finish and [DONE]).
    static let prompt = "one two three four five six seven eight nine ten"

    /// A market whose `hf` entry has `entrySettings` (JSON members) instead of its 10 s timeout.
    func market(_ entrySettings: String, fixtures: SimulatorFixtures = SimulatorFixtures()) async throws -> SimulatedMarket {
        let market = try SimulatedMarket(fixtures: fixtures)
        let text = try String(contentsOf: market.registry, encoding: .utf8)
        guard let range = text.range(of: #""timeout": "10s""#) else { throw CocoaError(.fileReadCorruptFile) }
        try text.replacingCharacters(in: range, with: entrySettings).write(to: market.registry, atomically: true, encoding: .utf8)
        let refresh = try await market.broker(["refresh", "--provider", "hf"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        return market
    }

    @Test("a stream that keeps sending for 4 s is not cut by a 1 s timeout")
    func longStreamOutlastsTimeout() async throws {
        let market = try await market(#""timeout": "1s""#)
        defer { market.stop() }
        // 13 chunks 300 ms apart: about 3.9 s in all, never silent for more than 0.3 s.
        market.simulator.inject(.slowDrip(chunkDelayMs: 300), pathPrefix: "/v1/chat/completions", count: 1)
        let started = Date()
        let result = try await market.broker(["run", "--model", Self.llama8B, "--prompt", Self.prompt, "--stream", "--format", "table"])
        let seconds = Date().timeIntervalSince(started)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout == Self.prompt + "\n")
        #expect(seconds > 3, "the slow stream really outlasted the timeout")
        // The same drip without streaming is still bounded by the timeout as a whole.
        market.simulator.inject(.slowDrip(chunkDelayMs: 300), pathPrefix: "/v1/chat/completions", count: 1)
        let (plain, json) = try await market.json(["run", "--model", Self.llama8B, "--prompt", Self.prompt])
        #expect(plain.code == 0, "\(plain.stderr)")
        let attempts = try #require((json as? [String: Any])?["attempts"] as? [[String: Any]])
        #expect(attempts.first?["outcome"] as? String == "timeout")
    }

    @Test("a stream that falls silent for longer than the timeout fails over before any output")
    func silentStreamFailsOver() async throws {
        let market = try await market(#""timeout": "1s""#)
        defer { market.stop() }
        // The head and the role chunk come at once, then 1.5 s of silence before the first word.
        market.simulator.inject(.slowDrip(chunkDelayMs: 1_500), pathPrefix: "/v1/chat/completions", count: 1)
        let result = try await market.broker(["run", "--model", Self.llama8B, "--prompt", "hi there", "--stream", "--format", "json"])
        #expect(result.code == 0, "\(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.count == 2)
        #expect(attempts.first?["outcome"] as? String == "timeout")
        #expect((attempts.first?["error"] as? String)?.contains("fell silent") == true)
        #expect(object["output"] as? String == "hi there")
    }

    @Test("max_duration caps a stream's length; what it delivered is billed, estimated when no usage came")
    func maxDurationCapsAndBills() async throws {
        let market = try await market(#""timeout": "1s", "max_duration": "1500ms""#)
        defer { market.stop() }
        market.simulator.inject(.slowDrip(chunkDelayMs: 300), pathPrefix: "/v1/chat/completions", count: 1)
        let result = try await market.broker(["run", "--model", Self.llama8B, "--prompt", Self.prompt, "--stream", "--format", "json"])
        #expect(result.code == 1, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let deltas = lines.filter { $0.hasPrefix("{\"delta\":") }
        #expect(deltas.count >= 2 && deltas.count < 10, "cut part-way: \(lines)")
        let last = try #require(lines.last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect((object["error"] as? String)?.contains("after output had started") == true)
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["estimated"] as? Bool == true)
        let output = try #require(usage["output_tokens"] as? Int)
        #expect(output > 0)
        let cost = try #require(object["cost_nano_usd"] as? Int)
        #expect(cost > 0)
        #expect(result.stderr.contains("estimated from the text"))
        // The ledger holds the delivered tokens and their cost.
        let (_, rows) = try await market.json(["usage", "--by", "model"])
        let row = try #require((rows as? [[String: Any]])?.first)
        #expect(row["output_tokens"] as? Int == output)
        #expect(row["cost_nano_usd"] as? Int == cost)
    }

    @Test("a stream that breaks after its provider reported usage is billed from that usage, not estimated")
    func brokenStreamBilledFromReportedUsage() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.usagePlacement = .everyChunk
        let market = try await market(#""timeout": "1s", "max_duration": "1500ms""#, fixtures: fixtures)
        defer { market.stop() }
        market.simulator.inject(.slowDrip(chunkDelayMs: 300), pathPrefix: "/v1/chat/completions", count: 1)
        let result = try await market.broker(["run", "--model", Self.llama8B, "--prompt", Self.prompt, "--stream", "--format", "json"])
        #expect(result.code == 1, "\(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["estimated"] as? Bool == false)
        let deltas = result.stdout.split(separator: "\n").filter { $0.hasPrefix("{\"delta\":") }.count
        #expect(usage["output_tokens"] as? Int == deltas)
    }
}
