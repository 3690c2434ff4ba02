import Foundation
import ProviderSimulator
import Testing

/// OpenRouter's upstreams as offers of their own (registry option `"endpoints": true`): the
/// market shows who serves each model behind OpenRouter at what price, and a run pinned to
/// one upstream reaches only that upstream.
@Suite("OpenRouter upstreams through the broker command")
struct OpenRouterUpstreamTests {
    @Test("refresh lists each upstream with its price; a run pinned to one asks OpenRouter for it without fallback")
    func upstreamOffers() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        var text = try String(contentsOf: market.registry, encoding: .utf8)
        let entry = """
            , {"key": "or", "adapter": "openrouter", "base_url": "\(market.simulator.baseURL)/api/v1", "timeout": "10s",
               "region": {"region": "global"}, "pricing": {"source": "api", "unit": "usd_per_token"},
               "options": {"endpoints": true}}
            ]}
            """
        guard let end = text.range(of: "]}", options: .backwards) else {
            Issue.record("the test registry has no closing ]}")
            return
        }
        text.replaceSubrange(end, with: entry)
        try text.write(to: market.registry, atomically: true, encoding: .utf8)

        let refresh = try await market.broker(["refresh", "--provider", "or"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let (_, listed) = try await market.json(["market", "--provider", "or", "--model", "llama-3.1-8b"])
        let offers = try #require(listed as? [[String: Any]])
        let byServer = Dictionary(
            offers.map {
                ($0["served_by"] as? String ?? "", ($0["input_usd_per_mtok"] as? NSNumber)?.stringValue ?? "")
            },
            uniquingKeysWith: { a, _ in a })
        #expect(byServer == ["openrouter": "0.02", "deepinfra": "0.02", "together": "0.18"])

        let run = try await market.broker(
            [
                "run", "--provider", "or:together", "--model", "meta-llama/llama-3.1-8b-instruct", "--prompt",
                "which upstream",
                "--format", "json",
            ])
        #expect(run.code == 0, "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(result["served_by"] as? String == "together")
        // the OpenAI-style client's answer
        #expect((result["attempts"] as? [[String: Any]])?.map { $0["status"] as? Int } == [200])
        let chat = try #require(market.simulator.requests.last { $0.path == "/api/v1/chat/completions" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(chat.body)) as? [String: Any])
        let provider = try #require(body["provider"] as? [String: Any])
        #expect(provider["order"] as? [String] == ["together"])
        #expect(provider["allow_fallbacks"] as? Bool == false)

        // Unpinned, OpenRouter picks the upstream and names it: that is who served the answer,
        // while the attempt stays on the offer the broker chose.
        let unpinned = try await market.broker(
            [
                "run", "--provider", "or:openrouter", "--model", "meta-llama/llama-3.1-8b-instruct", "--prompt",
                "anyone",
                "--format", "json",
            ])
        #expect(unpinned.code == 0, "\(unpinned.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(unpinned.stdout.utf8)) as? [String: Any])
        let upstreamBody = try #require(market.simulator.requests.last { $0.path == "/api/v1/chat/completions" }?.body)
        let upstreamRequest = try #require(try JSONSerialization.jsonObject(with: Data(upstreamBody)) as? [String: Any])
        #expect((upstreamRequest["provider"] as? [String: Any])?["order"] == nil, "nothing pinned")
        #expect(answer["served_by"] as? String == "deepinfra")
        let attempts = try #require(answer["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["served_by"] as? String } == ["openrouter"])

        // The ledger keeps both: usage by served_by shows who answered, by provider the offer's key.
        let (_, usageByServer) = try await market.json(["usage", "--by", "served_by", "--format", "json"])
        let servers = try #require(usageByServer as? [[String: Any]])
        #expect(Set(servers.compactMap { $0["served_by"] as? String }).isSuperset(of: ["deepinfra", "together"]))
        #expect(!servers.contains { $0["served_by"] as? String == "openrouter" })
    }
}
