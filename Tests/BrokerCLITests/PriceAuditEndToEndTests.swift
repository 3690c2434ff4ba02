import Foundation
import ProviderSimulator
import Testing

/// `broker audit prices`: the Hugging Face router's USD price for OVHcloud's Llama 3.3 70B
/// ($0.67) against OVHcloud's own catalog in euros (€0.67, $0.766145 at the ECB's 1.1435):
/// the disagreement the December 2026 research found between aggregators and OVH's feed.
@Suite("Price audit through the broker command")
struct PriceAuditEndToEndTests {
    func market() throws -> SimulatedMarket {
        let market = try SimulatedMarket()
        let base = market.simulator.baseURL
        let extra = """
            ,{"key": "ovhcloud", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
              "region": {"region": "eu", "countries": ["FR"]}, "timeout": "10s",
              "pricing": {"source": "api", "unit": "eur_per_mtok", "taken": "2026-12-01", "source_url": "https://example.eu/ovh",
                "models": [
                  {"model": "Meta-Llama-3_3-70B-Instruct", "hf_id": "meta-llama/Llama-3.3-70B-Instruct", "input": "0.67", "output": "0.67"},
                  {"model": "Qwen2.5-72B-Instruct", "hf_id": "Qwen/Qwen2.5-72B-Instruct", "input": "1.50", "output": "3.00"}]},
              "options": {"price_feed": "ovh-catalog", "price_feed_url": "\(base)/ovh/rest/v1/models_v2"}}
            ,{"key": "ecb", "adapter": "ecb-rates", "base_url": "\(base)", "timeout": "10s"}
            """
        try market.simulator.testRegistryJSON(extraProviders: extra).write(
            to: market.registry, atomically: true, encoding: .utf8)
        return market
    }

    @Test(
        "a price two sources disagree on beyond the tolerance is listed with each source's value and age and marked price_disputed; a registry model gone from the live catalog is listed"
    )
    func audit() async throws {
        let market = try market()
        defer { market.stop() }
        let refresh = try await market.broker([
            "refresh", "--provider", "hf", "--provider", "ovhcloud", "--provider", "ecb",
        ])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let (result, json) = try await market.json(["audit", "prices"])
        #expect(result.code == 0, "\(result.stderr)")
        let findings = try #require(json as? [[String: Any]], "\(result.stdout)")
        let disagreements = findings.filter { $0["kind"] as? String == "price_disagreement" }
        #expect(disagreements.map { $0["side"] as? String } == ["input", "output"])
        let input = try #require(disagreements.first)
        #expect(input["hf_id"] as? String == "meta-llama/Llama-3.3-70B-Instruct")
        #expect(input["served_by"] as? String == "ovhcloud")
        #expect(result.stdout.contains("\"spread_pct\":14.35"), "\(result.stdout)")
        let sources = try #require(input["sources"] as? [[String: Any]])
        #expect(sources.map { $0["provider"] as? String } == ["hf", "ovhcloud"])
        #expect(sources.last?["currency"] as? String == "EUR")
        #expect(sources.last?["price_basis"] as? String == "ecb:2026-07-09")
        #expect(sources.allSatisfy { $0["age_s"] is Int && $0["refreshed_at"] is String })
        #expect(result.stdout.contains("\"usd_per_mtok\":0.766145"), "\(result.stdout)")
        let missing = findings.filter { $0["kind"] as? String == "missing_from_catalog" }
        #expect(missing.count == 1)
        #expect(missing.first?["provider"] as? String == "ovhcloud")
        #expect(missing.first?["model"] as? String == "Qwen2.5-72B-Instruct")

        // 15% tolerates a 14.35% spread.
        let (_, tolerant) = try await market.json(["audit", "prices", "--tolerance", "15"])
        #expect(((tolerant as? [[String: Any]]) ?? []).allSatisfy { $0["kind"] as? String == "missing_from_catalog" })
        #expect(try await market.broker(["audit", "prices", "--tolerance", "lots"]).code == 64)

        let (_, offers) = try await market.json(["market", "--model", "Llama-3.3-70B-Instruct", "--include-stale"])
        let rows = try #require(offers as? [[String: Any]])
        func row(_ provider: String, _ servedBy: String) -> [String: Any]? {
            rows.first { $0["provider"] as? String == provider && $0["served_by"] as? String == servedBy }
        }
        #expect(row("hf", "ovhcloud")?["price_disputed"] as? Bool == true)
        #expect(row("ovhcloud", "ovhcloud")?["price_disputed"] as? Bool == true)
        #expect(row("hf", "together")?["price_disputed"] as? Bool == false)
    }
}
