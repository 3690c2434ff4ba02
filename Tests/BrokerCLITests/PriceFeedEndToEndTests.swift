import Foundation
import ProviderSimulator
import Testing

/// Live price feeds chosen by registry data: Scaleway's Product Catalog, OVHcloud's
/// catalog and the OpenRouter provider-feed shape, through `broker refresh`, `market` and
/// `run`, with the feeds' faults.
@Suite("Price feeds through the broker command")
struct PriceFeedEndToEndTests {
    func market() throws -> SimulatedMarket {
        var fixtures = SimulatorFixtures()
        // Chat endpoints that accept any model, as the providers' own APIs.
        fixtures.compatibleProviders["scw"] = CompatibleProvider()
        fixtures.compatibleProviders["ovh"] = CompatibleProvider()
        let market = try SimulatedMarket(fixtures: fixtures)
        let base = market.simulator.baseURL
        func entry(_ key: String, _ feed: String, _ url: String, region: String) -> String {
            """
            ,{"key": "\(key)", "adapter": "openai-compatible", "base_url": "\(base)/\(key == "feedco" ? "scw" : key)/v1",
              "auth_env": "ACME_KEY", "region": \(region), "timeout": "10s", "pricing": {"source": "api"},
              "options": {"price_feed": "\(feed)", "price_feed_url": "\(url)"}}
            """
        }
        let extra =
            entry(
                "scw", "scaleway-catalog",
                "\(base)/product-catalog/v2alpha1/public-catalog/products?product_types=generative_apis",
                region: #"{"region": "eu", "countries": ["FR"]}"#)
            + entry(
                "ovh", "ovh-catalog", "\(base)/ovh/rest/v1/models_v2", region: #"{"region": "eu", "countries": ["FR"]}"#
            )
            + entry("feedco", "openrouter-feed", "\(base)/feed/openrouter/models", region: #"{"region": "unknown"}"#)
            + ",{\"key\": \"ecb\", \"adapter\": \"ecb-rates\", \"base_url\": \"\(base)\", \"timeout\": \"10s\"}"
        try market.simulator.testRegistryJSON(extraProviders: extra).write(
            to: market.registry, atomically: true, encoding: .utf8)
        return market
    }

    func offers(_ market: SimulatedMarket, _ args: [String]) async throws -> [[String: Any]] {
        let (result, json) = try await market.json(["market", "--include-stale"] + args)
        #expect(result.code == 0, "\(result.stderr)")
        return try #require(json as? [[String: Any]], "\(result.stdout)")
    }

    static func text(_ value: Any?) -> String? { (value as? NSNumber)?.stringValue ?? (value as? String) }

    @Test(
        "Scaleway's catalog gives exact euro prices per token from units+nanos per unit of measure, realtime not batch, its end-of-life dates, and a missing currency as unknown"
    )
    func scaleway() async throws {
        let market = try market()
        defer { market.stop() }
        let (refresh, runs) = try await market.json(["refresh", "--provider", "scw", "--provider", "ecb"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let scw = try #require((runs as? [[String: Any]])?.first { $0["provider"] as? String == "scw" })
        #expect(scw["status"] as? String == "ok")
        #expect(scw["models"] as? Int == 5)
        #expect((scw["skipped"] as? [String: Int])?["price without currency"] == 1)
        // 11 SKUs read 100 a page: one page; the request carried the product type and paging.
        let pages = market.simulator.requests.filter { $0.path.hasPrefix("/product-catalog/") }
        #expect(pages.count == 1)
        #expect(pages.first?.query.contains("product_types=generative_apis") == true)

        let all = try await offers(market, ["--provider", "scw", "--sort", "model"])
        func offer(_ model: String) -> [String: Any]? { all.first { $0["model"] as? String == model } }
        let llama = try #require(offer("llama-3.3-70b-instruct"))
        #expect(llama["currency"] as? String == "EUR")
        // €0.0009 per 1,000 tokens = €0.90 per million; the €0.45 batch SKU is not the list price.
        #expect(Self.text(llama["input_per_mtok"]) == "0.9")
        #expect(Self.text(llama["output_per_mtok"]) == "0.9")
        #expect(llama["price_basis"] as? String == "ecb:2026-07-09")
        #expect(Self.text(llama["input_usd_per_mtok"]) == "1.02915")  // 0.9 × 1.1435
        #expect(llama["curated"] as? Bool == false)
        #expect(llama["region"] as? String == "eu")
        // A size of 1,000,000 tokens is read, not assumed.
        let oss = try #require(offer("gpt-oss-120b"))
        #expect(Self.text(oss["input_per_mtok"]) == "0.15")
        #expect(Self.text(oss["output_per_mtok"]) == "0.6")
        // End of life announced: shown, still routable until the day.
        let small = try #require(offer("mistral-small-3.2-24b-instruct-2506"))
        #expect(small["retires_at"] as? String == "2027-03-31")
        #expect(small["retired"] as? Bool == false)
        // Past its end of life: flagged retired, and never routed to.
        let old = try #require(offer("llama-3.1-8b-instruct"))
        #expect(old["retired"] as? Bool == true)
        let run = try await market.broker([
            "run", "--model", "llama-3.1-8b-instruct", "--prompt", "hi", "--provider", "scw",
        ])
        #expect(run.code == 69, "\(run.stdout)")
        #expect(run.stderr.contains("retired by the provider on 2025-11-14"), "\(run.stderr)")
        // The output SKU without a currency: that price is unknown, never zero and never guessed.
        let qwen = try #require(offer("qwen3-coder-30b-a3b-instruct"))
        #expect(qwen["price_state"] as? String == "unknown")
        #expect(qwen["output_per_mtok"] is NSNull)

        // Routing and billing in euros through the feed's price.
        let (chat, chatJSON) = try await market.json([
            "run", "--model", "llama-3.3-70b-instruct", "--prompt", "bonjour",
        ])
        #expect(chat.code == 0, "\(chat.stderr)")
        let object = try #require(chatJSON as? [String: Any])
        #expect(object["provider"] as? String == "scw")
        #expect(object["currency"] as? String == "EUR")
        let usage = try #require(object["usage"] as? [String: Any])
        let tokens = try #require(usage["input_tokens"] as? Int) + (try #require(usage["output_tokens"] as? Int))
        #expect(object["cost_nano"] as? Int == tokens * 900)
    }

    @Test(
        "OVHcloud's catalog gives euro prices parsed exactly from JSON numbers; a price without a currency is unknown, an unavailable model is skipped"
    )
    func ovh() async throws {
        let market = try market()
        defer { market.stop() }
        let (refresh, runs) = try await market.json(["refresh", "--provider", "ovh"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let ovh = try #require((runs as? [[String: Any]])?.first)
        #expect(ovh["models"] as? Int == 4)
        #expect((ovh["skipped"] as? [String: Int])?["not available"] == 1)
        #expect((ovh["skipped"] as? [String: Int])?["price without currency"] == 1)
        let all = try await offers(market, ["--provider", "ovh", "--sort", "model"])
        func offer(_ model: String) -> [String: Any]? { all.first { $0["model"] as? String == model } }
        let llama = try #require(offer("Meta-Llama-3_3-70B-Instruct"))
        #expect(llama["currency"] as? String == "EUR")
        #expect(Self.text(llama["input_per_mtok"]) == "0.67")
        #expect(llama["context_length"] as? Int == 131072)
        // No ECB rate refreshed in this store: not converted, still priced.
        #expect(llama["price_state"] as? String == "priced")
        #expect(llama["input_usd_per_mtok"] is NSNull)
        let oss = try #require(offer("gpt-oss-120b"))
        #expect(Self.text(oss["output_per_mtok"]) == "0.4")
        let nemo = try #require(offer("Mistral-Nemo-Instruct-2407"))
        #expect(nemo["price_state"] as? String == "unknown")
        // --currency EUR sorts natively: €0.10 (8B) before €0.08/€0.40 (blended 0.64) before €0.67.
        let euros = try await offers(market, ["--provider", "ovh", "--currency", "EUR"])
        #expect(
            euros.prefix(3).map { $0["model"] as? String } == [
                "Llama-3.1-8B-Instruct", "gpt-oss-120b", "Meta-Llama-3_3-70B-Instruct",
            ])
    }

    @Test(
        "the OpenRouter feed shape gives USD per-token prices, Hugging Face ids and regions from the datacenters' countries"
    )
    func openRouterFeed() async throws {
        let market = try market()
        defer { market.stop() }
        let refresh = try await market.broker(["refresh", "--provider", "feedco"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let all = try await offers(market, ["--provider", "feedco", "--sort", "model"])
        #expect(all.count == 3)
        func offer(_ model: String) -> [String: Any]? { all.first { $0["model"] as? String == model } }
        let llama = try #require(offer("meta-llama/Llama-3.3-70B-Instruct"))
        #expect(llama["currency"] as? String == "USD")
        #expect(Self.text(llama["input_usd_per_mtok"]) == "0.71")
        #expect(llama["hf_id"] as? String == "meta-llama/Llama-3.3-70B-Instruct")
        #expect(llama["region"] as? String == "us")
        #expect(llama["countries"] as? [String] == ["US"])
        let deepseek = try #require(offer("deepseek-ai/DeepSeek-V3.1"))
        #expect(deepseek["region"] as? String == "eu")
        #expect(deepseek["countries"] as? [String] == ["DE", "FR"])
        #expect((deepseek["compliance"] as? [String])?.contains("gdpr") == true)
        // Germany and the US: not every location is in one region, so unknown (never guessed).
        let qwen = try #require(offer("Qwen/Qwen3-235B-A22B-Instruct-2507"))
        #expect(qwen["region"] as? String == "unknown")
        #expect(qwen["price_state"] as? String == "unknown")  // "-1" is a sentinel, never a price
        #expect(try await offers(market, ["--provider", "feedco", "--region", "eu"]).count == 1)
    }

    @Test("a price feed the adapter does not know, or one without its URL, is a registry error naming the field")
    func badFeedOptions() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        let base = market.simulator.baseURL
        let extra = """
            ,{"key": "bad", "adapter": "openai-compatible", "base_url": "\(base)/scw/v1", "pricing": {"source": "api"},
              "options": {"price_feed": "csv-page", "price_feed_url": "\(base)/x"}}
            ,{"key": "half", "adapter": "openai-compatible", "base_url": "\(base)/scw/v1", "pricing": {"source": "api"},
              "options": {"price_feed": "ovh-catalog"}}
            """
        try market.simulator.testRegistryJSON(extraProviders: extra).write(
            to: market.registry, atomically: true, encoding: .utf8)
        let check = try await market.broker(["providers", "check"])
        #expect(check.code == 65)
        #expect(check.stderr.contains("options.price_feed"), "\(check.stderr)")
        #expect(check.stderr.contains("scaleway-catalog, ovh-catalog, openrouter-feed"), "\(check.stderr)")
        #expect(check.stderr.contains("price_feed and price_feed_url go together"), "\(check.stderr)")
    }

    @Test("the market table marks converted euro prices and says which rate converted them")
    func tableNote() async throws {
        let market = try market()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "ovh", "--provider", "ecb"]).code == 0)
        let table = try await market.broker(["market", "--provider", "ovh", "--format", "table"])
        #expect(table.code == 0)
        #expect(table.stdout.contains("~0.766145"), "\(table.stdout)")  // €0.67 × 1.1435
        #expect(table.stderr.contains("EUR price converted to USD with the ECB rate of 2026-07-09"), "\(table.stderr)")
    }
}
