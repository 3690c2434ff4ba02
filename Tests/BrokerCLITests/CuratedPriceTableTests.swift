import Foundation
import ProviderSimulator
import Testing

/// Curated price tables: their age (`price_age_days`, flagged past 90 days and warned by
/// `broker providers check`), their rows' retirement dates, and the shipped registry's tables.
@Suite("Curated price tables through the broker command")
struct CuratedPriceTableTests {
    /// A registry with a curated table taken `taken`, one row retiring on `retires`.
    func tableMarket(taken: String, retires: String) throws -> SimulatedMarket {
        let market = try SimulatedMarket()
        let base = market.simulator.baseURL
        let extra = """
            ,{"key": "tablet", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
              "region": {"region": "us", "countries": ["US"]}, "timeout": "10s",
              "pricing": {"source": "static", "catalog": "table", "unit": "usd_per_mtok", "taken": "\(taken)",
                "source_url": "https://example.com/pricing",
                "models": [
                  {"model": "old-model", "input": "0.10", "output": "0.10", "retires_at": "\(retires)"},
                  {"model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "input": "0.50", "output": "0.50", "retires_at": "2099-01-01"}]}}
            """
        try market.simulator.testRegistryJSON(extraProviders: extra).write(
            to: market.registry, atomically: true, encoding: .utf8)
        return market
    }

    static func day(daysAgo: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date().addingTimeInterval(-Double(daysAgo) * 86_400))
    }

    @Test(
        "a table older than 90 days is flagged in providers and market and warned by providers check; a row past retires_at is warned and not routed to"
    )
    func outdatedTable() async throws {
        let market = try tableMarket(taken: Self.day(daysAgo: 120), retires: Self.day(daysAgo: 1))
        defer { market.stop() }
        let check = try await market.broker(["providers", "check"])
        #expect(check.code == 0, "\(check.stderr)")  // warnings, not errors: the registry is usable
        #expect(
            check.stderr.contains(
                "warning: tablet: curated price table taken \(Self.day(daysAgo: 120)) is 120 days old"),
            "\(check.stderr)")
        #expect(check.stderr.contains("'old-model' was retired on \(Self.day(daysAgo: 1))"), "\(check.stderr)")

        let (_, providers) = try await market.json(["providers"])
        let tablet = try #require((providers as? [[String: Any]])?.first { $0["provider"] as? String == "tablet" })
        #expect(tablet["price_source"] as? String == "table")
        #expect(tablet["price_age_days"] as? Int == 120)
        #expect(tablet["price_outdated"] as? Bool == true)
        let acme = try #require((providers as? [[String: Any]])?.first { $0["provider"] as? String == "acme" })
        #expect(acme["price_age_days"] is NSNull)
        #expect(acme["price_outdated"] as? Bool == false)

        #expect(try await market.broker(["refresh", "--provider", "tablet"]).code == 0)
        let (_, offers) = try await market.json(["market", "--provider", "tablet", "--sort", "model"])
        let rows = try #require(offers as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0["price_age_days"] as? Int == 120 && $0["price_outdated"] as? Bool == true })
        let old = try #require(rows.first { $0["model"] as? String == "old-model" })
        #expect(old["retired"] as? Bool == true)
        let run = try await market.broker(["run", "--model", "old-model", "--prompt", "hi"])
        #expect(run.code == 69)
        #expect(run.stderr.contains("retired by the provider"), "\(run.stderr)")
        let live = try #require(rows.first { $0["retires_at"] as? String == "2099-01-01" })
        #expect(live["retired"] as? Bool == false)
    }

    @Test("a fresh table draws no warning; a malformed retires_at is a registry error naming the row")
    func freshTable() async throws {
        let market = try tableMarket(taken: Self.day(daysAgo: 3), retires: "2099-12-31")
        defer { market.stop() }
        let check = try await market.broker(["providers", "check"])
        #expect(check.code == 0)
        #expect(!check.stderr.contains("warning"), "\(check.stderr)")
        let bad = try tableMarket(taken: Self.day(daysAgo: 3), retires: "31/12/2099")
        defer { bad.stop() }
        let refused = try await bad.broker(["providers", "check"])
        #expect(refused.code == 65)
        #expect(refused.stderr.contains("pricing.models[0].retires_at"), "\(refused.stderr)")
    }

    @Test(
        "the shipped registry's curated tables are dated, sourced, current and hold no retired model; providers check warns about none"
    )
    func shippedTables() async throws {
        let path = BrokerProcess.repositoryRoot.appendingPathComponent("provider_registry.json")
        let check = try await BrokerProcess.run(["providers", "check", "--registry", path.path])
        #expect(check.code == 0)
        #expect(!check.stderr.contains("warning"), "\(check.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        let entries = try #require(document["providers"] as? [[String: Any]])
        for entry in entries {
            guard let pricing = entry["pricing"] as? [String: Any], let rows = pricing["models"] as? [[String: Any]]
            else { continue }
            #expect(pricing["taken"] is String, "\(entry["key"] ?? "")")
            #expect((pricing["source_url"] as? String)?.hasPrefix("https://") == true, "\(entry["key"] ?? "")")
            // Decommissioned on 2026-08-16 (Groq), and the prices of December 2026.
            let models = rows.compactMap { $0["model"] as? String }
            #expect(!models.contains("llama-3.3-70b-versatile") && !models.contains("llama-3.1-8b-instant"))
            #expect(
                rows.allSatisfy { ($0["input"] is NSNull) == false },
                "\(entry["key"] ?? ""): a curated row without a price")
        }
        let mistral = try #require(entries.first { $0["key"] as? String == "mistral" })
        let large = try #require(
            ((mistral["pricing"] as? [String: Any])?["models"] as? [[String: Any]])?.first {
                $0["model"] as? String == "mistral-large-latest"
            })
        #expect(large["input"] as? String == "0.50")
        #expect(large["output"] as? String == "1.50")
        // The EU providers publish feeds in euros: the registry names them.
        for key in ["scaleway", "ovhcloud"] {
            let entry = try #require(entries.first { $0["key"] as? String == key })
            #expect((entry["options"] as? [String: Any])?["price_feed"] is String)
            #expect((entry["pricing"] as? [String: Any])?["unit"] as? String == "eur_per_mtok")
        }
    }
}
