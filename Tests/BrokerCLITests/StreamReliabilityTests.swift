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
    func market(_ entrySettings: String, fixtures: SimulatorFixtures = SimulatorFixtures()) async throws
        -> SimulatedMarket
    {
        let market = try SimulatedMarket(fixtures: fixtures)
        let text = try String(contentsOf: market.registry, encoding: .utf8)
        guard let range = text.range(of: #""timeout": "10s""#) else { throw CocoaError(.fileReadCorruptFile) }
        try text.replacingCharacters(in: range, with: entrySettings).write(
            to: market.registry, atomically: true, encoding: .utf8)
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
        let result = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", Self.prompt, "--stream", "--format", "table",
        ])
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

    @Test(
        "a stream dripping for 65 s, a chunk every 2 s, runs to its end with the entries' default timeout (HF router, OpenAI-compatible, exec plugin)"
    )
    func sixtyFiveSecondStreams() async throws {
        // A plugin that streams 34 words 2 s apart (66 s in all), then answers.
        let plugin = #"""
            #!/usr/bin/env python3
            import json, sys, time
            rid = json.loads(sys.stdin.readline())["id"]
            def send(message):
                sys.stdout.write(json.dumps(message) + "\n")
                sys.stdout.flush()
            for i in range(34):
                if i:
                    time.sleep(2)
                send({"id": rid, "event": {"delta": "w%d%s" % (i, " " if i < 33 else "")}})
            send({"id": rid, "ok": True, "result": {"usage": {"input_tokens": 1, "output_tokens": 34}, "finish_reason": "stop"}})
            """#
        let drip = #"""
            , {"key": "drip", "adapter": "exec", "region": {"region": "eu"}, "options": {"command": "drip.py"},
               "pricing": {"source": "static", "catalog": "table", "unit": "usd_per_mtok", "taken": "2026-12-01",
                 "models": [{"model": "drip-echo", "context_length": 8192, "input": "0.1", "output": "0.2"}]}}
            """#
        let market = try SimulatedMarket(extraProviders: drip)
        defer { market.stop() }
        let script = market.dir.appendingPathComponent("drip.py")
        try plugin.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        // Every entry keeps its default timeout (60 s): the simulated ones lose their "10s".
        let text = try String(contentsOf: market.registry, encoding: .utf8)
        #expect(text.components(separatedBy: #""timeout": "10s""#).count == 3)
        try text.replacingOccurrences(of: #""timeout": "10s""#, with: #""enabled": true"#)
            .write(to: market.registry, atomically: true, encoding: .utf8)
        for provider in ["hf", "acme", "drip"] {
            let refresh = try await market.broker(["refresh", "--provider", provider])
            #expect(refresh.code == 0, "\(refresh.stderr)")
        }
        // 31 words: role, 31 word chunks, finish and [DONE] are 34 chunks, 33 gaps of 2 s.
        let prompt = (1...31).map { "word\($0)" }.joined(separator: " ")
        market.simulator.inject(.slowDrip(chunkDelayMs: 2_000), pathPrefix: "/v1/chat/completions", count: 1)
        market.simulator.inject(.slowDrip(chunkDelayMs: 2_000), pathPrefix: "/together/v1/chat/completions", count: 1)
        func timedRun(_ provider: String, _ model: String) async throws -> (BrokerProcess.Result, Double) {
            let started = Date()
            let result = try await market.broker(
                ["run", "--provider", provider, "--model", model, "--prompt", prompt, "--stream", "--format", "table"])
            return (result, Date().timeIntervalSince(started))
        }
        async let hf = timedRun("hf", Self.llama8B)
        async let acme = timedRun("acme", "meta-llama/Llama-3.3-70B-Instruct-Turbo")
        async let exec = timedRun("drip", "drip-echo")
        let words = (0..<34).map { "w\($0)" }.joined(separator: " ")
        for (name, (result, seconds), expected) in [
            ("hf", try await hf, prompt), ("acme", try await acme, prompt), ("drip", try await exec, words),
        ] {
            #expect(result.code == 0, "\(name): \(result.stderr)")
            #expect(result.stdout == expected + "\n", "\(name)")
            #expect(seconds > 62, "\(name): the stream really outlasted 60 s (\(seconds) s)")
        }
        let (_, rows) = try await market.json(["usage", "--by", "provider"])
        let table = try #require(rows as? [[String: Any]])
        #expect(
            table.count == 3 && table.allSatisfy { $0["errors"] as? Int == 0 && $0["requests"] as? Int == 1 },
            "\(table)")
    }

    @Test("a stream that falls silent for longer than the timeout fails over before any output")
    func silentStreamFailsOver() async throws {
        let market = try await market(#""timeout": "1s""#)
        defer { market.stop() }
        // The head and the role chunk come at once, then 1.5 s of silence before the first word.
        market.simulator.inject(.slowDrip(chunkDelayMs: 1_500), pathPrefix: "/v1/chat/completions", count: 1)
        let result = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", "hi there", "--stream", "--format", "json",
        ])
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
        let result = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", Self.prompt, "--stream", "--format", "json",
        ])
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
        let result = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", Self.prompt, "--stream", "--format", "json",
        ])
        #expect(result.code == 1, "\(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["estimated"] as? Bool == false)
        let deltas = result.stdout.split(separator: "\n").filter { $0.hasPrefix("{\"delta\":") }.count
        #expect(usage["output_tokens"] as? Int == deltas)
    }
}
