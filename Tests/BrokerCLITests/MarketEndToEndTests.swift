import Foundation
import ProviderSimulator
import Testing

@Suite("refresh and market through the broker command")
struct MarketEndToEndTests {
    @Test(
        "a brand-new provider, added only as a registry entry, refreshes into the market with its region and exact prices"
    )
    func newProviderByRegistryEntry() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        let (refresh, refreshJSON) = try await market.json(["refresh", "--provider", "acme"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let runs = try #require(refreshJSON as? [[String: Any]])
        #expect(runs.first?["provider"] as? String == "acme")
        #expect(runs.first?["status"] as? String == "ok")
        #expect(runs.first?["offers"] as? Int == 4)

        let (_, marketJSON) = try await market.json(["market", "--provider", "acme"])
        let offers = try #require(marketJSON as? [[String: Any]])
        #expect(offers.count == 4)
        let turbo = try #require(
            offers.first { ($0["model"] as? String) == "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo" })
        #expect(turbo["region"] as? String == "eu")
        #expect(turbo["compliance"] as? [String] == ["eu-residency", "gdpr"])
        #expect((turbo["input_usd_per_mtok"] as? NSNumber)?.stringValue == "0.18")
        #expect(turbo["price_state"] as? String == "priced")
        #expect(turbo["stale"] as? Bool == false)
        // Together's 0/0 is not a free model: unknown, printed as null, sorted last.
        let dedicated = try #require(offers.last)
        #expect(dedicated["model"] as? String == "meta-llama/Llama-3-70b-hf")
        #expect(dedicated["price_state"] as? String == "unknown")
        #expect(dedicated["input_usd_per_mtok"] is NSNull)
        // Raw stdout prints the price exactly, never 0.18000000000000002.
        let raw = try await market.broker(["market", "--provider", "acme", "--format", "json"])
        #expect(raw.stdout.contains("\"input_usd_per_mtok\":0.18,"))
        // A price cap excludes unknown prices and prices above it.
        let (_, capped) = try await market.json(["market", "--provider", "acme", "--max-input-price", "0.5"])
        #expect(
            (capped as? [[String: Any]])?.compactMap { $0["model"] as? String } == [
                "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"
            ])
    }

    @Test(
        "refreshing an unchanged catalog again writes nothing, says so, keeps every offer and price, records no change, and the offers read as refreshed then"
    )
    func unchangedRefreshMovesAgeOnly() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        let firstRefresh = try await market.broker(["refresh", "--provider", "acme", "--format", "table"])
        #expect(firstRefresh.code == 0)
        #expect(firstRefresh.stdout.contains("4 new, 0 changed, 0 gone"), "\(firstRefresh.stdout)")
        let (_, before) = try await market.json(["market", "--provider", "acme"])
        let first = try #require(before as? [[String: Any]])
        // refreshed_at has whole seconds: let one pass.
        try await Task.sleep(for: .milliseconds(1_100))
        let secondRefresh = try await market.broker(["refresh", "--provider", "acme", "--format", "table"])
        #expect(secondRefresh.code == 0)
        // The table says nothing was written.
        #expect(secondRefresh.stdout.contains("unchanged"), "\(secondRefresh.stdout)")
        let (_, after) = try await market.json(["market", "--provider", "acme"])
        let second = try #require(after as? [[String: Any]])

        func withoutTime(_ offers: [[String: Any]]) -> [NSDictionary] {
            offers.map { o in
                var o = o
                o["refreshed_at"] = nil
                return o as NSDictionary
            }
        }
        #expect(second.count == 4)
        #expect(withoutTime(second) == withoutTime(first))
        let firstTime = try #require(first.first?["refreshed_at"] as? String)
        #expect(second.allSatisfy { ($0["refreshed_at"] as? String ?? "") > firstTime })
        let (_, history) = try await market.json([
            "market", "--model", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "--history",
        ])
        #expect((history as? [[String: Any]])?.count == 1)
    }

    @Test("Hugging Face offers land with their served-by provider, task, curated region and prices")
    func huggingFaceOffers() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        let refresh = try await market.broker(["refresh", "--provider", "hf", "--format", "json"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        #expect(refresh.stdout.contains("\"status\":\"ok\""))

        let (_, eu) = try await market.json(["market", "--provider", "hf", "--region", "eu", "--task", "chat"])
        let euOffers = try #require(eu as? [[String: Any]])
        #expect(!euOffers.isEmpty)
        #expect(euOffers.allSatisfy { ["scaleway", "ovhcloud"].contains($0["served_by"] as? String ?? "") })
        let qwen = try #require(euOffers.first { $0["model"] as? String == "Qwen/Qwen2.5-72B-Instruct" })
        #expect((qwen["input_usd_per_mtok"] as? NSNumber)?.stringValue == "1.69")
        #expect((qwen["output_usd_per_mtok"] as? NSNumber)?.stringValue == "3.38")
        #expect(qwen["hf_id"] as? String == "Qwen/Qwen2.5-72B-Instruct")
        let unpriced = try #require(
            euOffers.first {
                $0["model"] as? String == "meta-llama/Llama-3.3-70B-Instruct"
                    && $0["served_by"] as? String == "scaleway"
            })
        #expect(unpriced["price_state"] as? String == "unknown")

        // `unknown` regions never match a region filter; the gdpr tag covers the UK too.
        let (_, gdpr) = try await market.json([
            "market", "--provider", "hf", "--compliance", "gdpr", "--model", "llama-3.1-8b",
        ])
        let servedBy = Set(((gdpr as? [[String: Any]]) ?? []).compactMap { $0["served_by"] as? String })
        #expect(servedBy == ["scaleway", "nscale"])
        // Classic tasks are billed by compute time, not tokens.
        let (_, summarization) = try await market.json(["market", "--provider", "hf", "--task", "summarization"])
        let sum = try #require((summarization as? [[String: Any]])?.first)
        #expect(sum["served_by"] as? String == "hf-inference")
        #expect(sum["billing"] as? String == "compute-time")
    }

    @Test("a provider that fails keeps its last good offers; refresh exits 75 and names it")
    func failureKeepsLastGood() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "acme"]).code == 0)
        market.simulator.inject(.serverError(500), pathPrefix: "/together/v1/models", count: 10)
        let (failed, json) = try await market.json(["refresh", "--provider", "acme"])
        #expect(failed.code == 75)
        let run = try #require((json as? [[String: Any]])?.first)
        #expect(run["status"] as? String == "failed")
        #expect((run["error"] as? String)?.contains("kept the last 4 offers") == true)
        #expect(failed.stderr.contains("acme failed"))
        let (_, offers) = try await market.json(["market", "--provider", "acme"])
        #expect((offers as? [[String: Any]])?.count == 4)
        let (_, providers) = try await market.json(["providers"])
        let acme = try #require((providers as? [[String: Any]])?.first { $0["provider"] as? String == "acme" })
        #expect((acme["last_refresh"] as? [String: Any])?["status"] as? String == "failed")
    }

    @Test("a catalog that shrank by more than half is kept out unless --force")
    func shrunkCatalog() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "acme"]).code == 0)
        market.simulator.updateFixtures { f in f.compatibleProviders["together"]?.models.removeLast(3) }
        let (kept, json) = try await market.json(["refresh", "--provider", "acme"])
        #expect(kept.code == 0)
        #expect((json as? [[String: Any]])?.first?["status"] as? String == "kept")
        #expect(
            try await market.json(["market", "--provider", "acme", "--include-stale"]).1.map { ($0 as? [Any])?.count }
                == 4)
        let forced = try await market.broker(["refresh", "--provider", "acme", "--force", "--format", "json"])
        #expect(forced.stdout.contains("\"status\":\"ok\""))
        #expect(try await market.json(["market", "--provider", "acme"]).1.map { ($0 as? [Any])?.count } == 1)
    }

    @Test("no credential value reaches the output or the store file")
    func noSecretLeaks() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        market.simulator.inject(
            .status(401, body: "{\"error\":\"bad token \(SimulatedMarket.acmeKey)\"}"),
            pathPrefix: "/together/v1/models", count: 5)
        let refresh = try await market.broker(["refresh"])
        let providers = try await market.broker(["providers", "--format", "json"])
        for text in [refresh.stdout, refresh.stderr, providers.stdout, providers.stderr] {
            #expect(!text.contains(SimulatedMarket.hfToken))
            #expect(!text.contains(SimulatedMarket.acmeKey))
        }
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: market.store.path + suffix) {
                #expect(data.range(of: Data(SimulatedMarket.hfToken.utf8)) == nil)
                #expect(data.range(of: Data(SimulatedMarket.acmeKey.utf8)) == nil)
            }
        }
        // The simulator did receive them, on the right hosts.
        #expect(
            market.simulator.requests.contains { $0.header("Authorization") == "Bearer \(SimulatedMarket.acmeKey)" })
    }
}
