import Foundation
import ProviderSimulator
import Testing

@Suite("broker run and usage through the simulator")
struct RunEndToEndTests {
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    func refreshed(_ fixtures: SimulatorFixtures = SimulatorFixtures()) async throws -> SimulatedMarket {
        let market = try SimulatedMarket(fixtures: fixtures)
        let refresh = try await market.broker(["refresh", "--provider", "hf"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        return market
    }

    @Test("cheapest policy picks the lowest expected cost and bills it exactly")
    func cheapestRun() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        let (result, json) = try await market.json(["run", "--model", "l8", "--prompt", "hello broker"])
        #expect(result.code == 0, "\(result.stderr)")
        let object = try #require(json as? [String: Any])
        #expect(object["provider"] as? String == "hf")
        // At the default estimate (a short prompt, 256 output tokens) groq's 0.05 / 0.08 beats
        // nscale's 0.03 / 0.09: the output price dominates the expected cost.
        #expect(object["served_by"] as? String == "groq")
        #expect(object["output"] as? String == "hello broker")
        let usage = try #require(object["usage"] as? [String: Int])
        let input = try #require(usage["input_tokens"])
        let output = try #require(usage["output_tokens"])
        // groq: $0.05 and $0.08 per million tokens = 50,000 and 80,000 pico-USD per token.
        let pico = input * 50_000 + output * 80_000
        #expect(object["cost_nano_usd"] as? Int == (pico + 500) / 1000)
        #expect((object["attempts"] as? [[String: Any]])?.count == 1)
        #expect((object["attempts"] as? [[String: Any]])?.first?["status"] as? Int == 200)
        // The request went to the router pinned to the served-by provider, with the token.
        let chat = try #require(market.simulator.requests.last { $0.path == "/v1/chat/completions" })
        #expect(String(decoding: chat.body, as: UTF8.self).contains("\(Self.llama8B):groq"))
        #expect(chat.header("Authorization") == "Bearer \(SimulatedMarket.hfToken)")
        // Plain output is just the answer.
        let plain = try await market.broker(["run", "--model", "l8", "--prompt", "just text", "--format", "table"])
        #expect(plain.stdout == "just text\n")
        // With a one-token answer, nscale's lower input price wins instead.
        let (_, short) = try await market.json(["run", "--model", "l8", "--prompt", "hi", "--param", "max_tokens=1"])
        #expect((short as? [String: Any])?["served_by"] as? String == "nscale")
    }

    @Test("a streamed run's successful attempt carries its HTTP status (200), not null, beside the failed one's 502")
    func streamedAttemptStatus() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        market.simulator.inject(.serverError(502), pathPrefix: "/v1/chat/completions", count: 1)
        let result = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", "hi there", "--stream", "--format", "json",
        ])
        #expect(result.code == 0, "\(result.stderr)")
        // {"delta": …} lines, then the result object.
        let last = try #require(result.stdout.split(separator: "\n").last, "\(result.stdout)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(result.stdout)")
        #expect(result.stdout.contains("{\"delta\""))
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.last?["outcome"] as? String == "ok")
        #expect(attempts.map { $0["status"] as? Int } == [502, 200], "\(attempts)")
    }

    @Test("a 502 fails over to the next offer and both attempts are recorded")
    func failover() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        market.simulator.inject(.serverError(502), pathPrefix: "/v1/chat/completions", count: 1)
        let (result, json) = try await market.json(["run", "--model", Self.llama8B, "--prompt", "hi"])
        #expect(result.code == 0, "\(result.stderr)")
        let object = try #require(json as? [String: Any])
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.count == 2)
        #expect(attempts[0]["served_by"] as? String == "groq")
        #expect(attempts[0]["status"] as? Int == 502)
        #expect(attempts[1]["outcome"] as? String == "ok")
        #expect(attempts[1]["status"] as? Int == 200)  // what happened, not null
        #expect(object["served_by"] as? String == "nscale")  // the next cheapest
        // One request that took two attempts, one of them failed, billed once.
        let (_, usage) = try await market.json(["usage", "--by", "provider"])
        let row = try #require((usage as? [[String: Any]])?.first)
        #expect(row["requests"] as? Int == 1)
        #expect(row["attempts"] as? Int == 2)
        #expect(row["errors"] as? Int == 1)
        #expect(row["cost_nano_usd"] as? Int == object["cost_nano_usd"] as? Int)
        // By who served: each endpoint saw the request once; the total counts it once.
        let (_, served) = try await market.json(["usage", "--by", "served_by"])
        let rows = try #require(served as? [[String: Any]])
        #expect(rows.map { $0["served_by"] as? String } == ["groq", "nscale"])
        #expect(rows.map { $0["requests"] as? Int } == [1, 1])
        #expect(rows.map { $0["attempts"] as? Int } == [1, 1])
        #expect(rows.map { $0["errors"] as? Int } == [1, 0])
        #expect(rows[0]["cost_nano_usd"] is NSNull)
        let table = try await market.broker(["usage", "--by", "served_by", "--format", "table"])
        let total = try #require(table.stdout.split(separator: "\n").last { $0.hasPrefix("total") })
        #expect(total.split(separator: " ").prefix(4) == ["total", "1", "2", "1"], "\(table.stdout)")
    }

    @Test(
        "fastest: a short answer goes to the quick starter, a long one to the high throughput, until the broker's own figures say otherwise"
    )
    func fastestByExpectedCompletion() async throws {
        var fixtures = SimulatorFixtures()
        let i = try #require(fixtures.routerModels.firstIndex { $0.id == Self.llama8B })
        // together starts in 50 ms but makes 20 tokens/s; scaleway starts in 800 ms and makes 1,000.
        fixtures.routerModels[i].providers = [
            RouterProvider(
                provider: "together", inputPrice: "0.18", outputPrice: "0.18", firstTokenLatencyMs: 50, throughput: "20"
            ),
            RouterProvider(
                provider: "scaleway", inputPrice: "0.2", outputPrice: "0.2", firstTokenLatencyMs: 800,
                throughput: "1000"),
            RouterProvider(provider: "nscale", inputPrice: "0.03", outputPrice: "0.09"),
        ]
        // Every answer reports 500 output tokens, so the broker measures a high throughput.
        fixtures.chatUsage[Self.llama8B] = SimulatedUsage(promptTokens: 5, completionTokens: 500)
        let market = try await refreshed(fixtures)
        defer { market.stop() }
        func fastest(_ maxTokens: Int, explain: Bool = false) async throws -> (String?, String) {
            let (result, json) = try await market.json(
                ["run", "--model", "l8", "--prompt", "hi", "--policy", "fastest", "--param", "max_tokens=\(maxTokens)"]
                    + (explain ? ["--explain"] : []))
            #expect(result.code == 0, "\(result.stderr)")
            return ((json as? [String: Any])?["served_by"] as? String, result.stderr)
        }
        // 4 tokens: together 50 + 200 ms, scaleway 800 + 4 ms.
        #expect(try await fastest(4).0 == "together")
        // 2,000 tokens: together 50 + 100,000 ms, scaleway 800 + 2,000 ms.
        let (long, explained) = try await fastest(2_000, explain: true)
        #expect(long == "scaleway")
        #expect(
            explained.contains(
                "explain:   1. hf/scaleway \(Self.llama8B): expected 2800 ms for 2000 output tokens: the provider's figures (first token 800 ms, 1000 tokens/s)"
            ),
            "\(explained)")
        #expect(
            explained.contains("hf/nscale \(Self.llama8B): no speed figures, measured or published: tried last"),
            "\(explained)")
        // Six answers measured from together (the short one above and five more; 500 tokens in a
        // few ms each on the loopback): its own medians now replace the published 20 tokens/s,
        // and it wins the long answer too.
        for _ in 0..<5 {
            let (result, _) = try await market.json([
                "run", "--model", Self.llama8B, "--provider", "hf:together", "--prompt", "hi",
            ])
            #expect(result.code == 0, "\(result.stderr)")
        }
        let (measured, note) = try await fastest(2_000, explain: true)
        #expect(measured == "together", "\(note)")
        #expect(note.contains("1. hf/together \(Self.llama8B): expected "), "\(note)")
        #expect(note.contains("the broker's medians over 6 requests"), "\(note)")
    }

    @Test("a short Retry-After is waited out on the same offer")
    func retryAfter() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        market.simulator.inject(.rateLimited(retryAfterSeconds: 1), pathPrefix: "/v1/chat/completions", count: 1)
        let (result, json) = try await market.json(["run", "--model", Self.llama8B, "--prompt", "hi"])
        #expect(result.code == 0, "\(result.stderr)")
        let attempts = try #require((json as? [String: Any])?["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["served_by"] as? String } == ["groq", "groq"])
        #expect(attempts[0]["outcome"] as? String == "rate_limited")
    }

    @Test("when nothing fits, exit 69 says why each near candidate was excluded")
    func noOffer() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        let result = try await market.broker(["run", "--model", Self.llama8B, "--prompt", "hi", "--region", "ch"])
        #expect(result.code == 69)
        #expect(result.stderr.contains("hf/scaleway"))
        #expect(result.stderr.contains("region is eu"))
        #expect(result.stderr.contains("region unknown"))
        let missing = try await market.broker(["run", "--model", "no/such-model", "--prompt", "hi"])
        #expect(missing.code == 69)
        let budget = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", "hi", "--max-cost", "0.0000000001",
        ])
        #expect(budget.code == 69)
        #expect(budget.stderr.contains("budget"))
        // Without the credential the offers are set aside, never sent unauthenticated.
        let noToken = try await market.broker(
            ["run", "--model", Self.llama8B, "--prompt", "hi"], environment: ["TEST_HF_TOKEN": ""])
        #expect(noToken.code == 69)
        #expect(noToken.stderr.contains("TEST_HF_TOKEN is not set"))
    }

    @Test("every candidate failing exits 75 and lists the attempts")
    func allFail() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        market.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 20)
        let result = try await market.broker(["run", "--model", Self.llama8B, "--prompt", "hi", "--format", "table"])
        #expect(result.code == 75)
        #expect(result.stderr.contains("every candidate failed"))
        #expect(result.stderr.contains("tried hf/groq"))
    }

    @Test("--stream prints the text as it arrives and a summary on stderr; json streams deltas then the result")
    func streaming() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[Self.llama8B] = "one two three four"
        let market = try await refreshed(fixtures)
        defer { market.stop() }
        let plain = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", "count", "--stream", "--format", "table",
        ])
        #expect(plain.code == 0, "\(plain.stderr)")
        #expect(plain.stdout == "one two three four\n")
        #expect(plain.stderr.contains("hf/groq"))
        let json = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", "count", "--stream", "--format", "json",
        ])
        let lines = json.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count >= 3)
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("{\"delta\":") })
        #expect(lines.last?.contains("\"provider\":\"hf\"") == true)
    }

    @Test("usage totals are the exact sum of recorded costs")
    func usageTotals() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        var pico = 0
        for prompt in ["a b c", "d e f g h", "i"] {
            let (_, json) = try await market.json(["run", "--model", Self.llama8B, "--prompt", prompt])
            let usage = try #require((json as? [String: Any])?["usage"] as? [String: Int])
            pico += (usage["input_tokens"] ?? 0) * 50_000 + (usage["output_tokens"] ?? 0) * 80_000
        }
        let (_, rows) = try await market.json(["usage", "--by", "model"])
        let row = try #require((rows as? [[String: Any]])?.first)
        #expect(row["requests"] as? Int == 3)
        #expect(row["cost_nano_usd"] as? Int == (pico + 500) / 1000)
        // The broker's own measurements show up in the market for the offer that served.
        let (_, offers) = try await market.json(["market", "--model", Self.llama8B, "--served-by", "groq"])
        let groq = try #require((offers as? [[String: Any]])?.first)
        #expect(groq["measured_requests"] as? Int == 3)
        #expect(groq["measured_latency_ms"] is Int)
        let (_, others) = try await market.json(["market", "--model", Self.llama8B, "--served-by", "nscale"])
        #expect((others as? [[String: Any]])?.first?["measured_latency_ms"] is NSNull)
    }

    @Test("no credential reaches run's output, errors or the store, even when a provider echoes it")
    func noSecretInRun() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        let echo =
            "{\"error\":{\"message\":\"token \(SimulatedMarket.hfToken) is not allowed\",\"type\":\"server_error\"}}"
        market.simulator.inject(.status(503, body: echo), pathPrefix: "/v1/chat/completions", count: 1)
        market.simulator.inject(.status(401, body: echo), pathPrefix: "/v1/chat/completions", count: 10)
        let result = try await market.broker(["run", "--model", Self.llama8B, "--prompt", "hi", "--format", "json"])
        #expect(result.code != 0)
        let usage = try await market.broker(["usage", "--format", "json"])
        for text in [result.stdout, result.stderr, usage.stdout, usage.stderr] {
            #expect(!text.contains(SimulatedMarket.hfToken))
        }
        #expect(result.stdout.contains("[REDACTED]") || result.stderr.contains("[REDACTED]"))
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: market.store.path + suffix) {
                #expect(data.range(of: Data(SimulatedMarket.hfToken.utf8)) == nil)
            }
        }
    }
}
