import Adapters
import Broker
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: models, marketplace, usage and health")
struct MarketplaceAPITests {
    @Test("/v1/models lists the market's models in OpenAI's shape with tasks, regions and the cheapest price")
    func models() async throws {
        let h = try await ServeHarness()
        let response = try await h.send("GET", "/v1/models")
        #expect(response.status == 200)
        let object = try #require(ServeHarness.json(response) as? [String: Any])
        #expect(object["object"] as? String == "list")
        let data = try #require(object["data"] as? [[String: Any]])
        let llama = try #require(data.first { $0["id"] as? String == ServeHarness.llama8B })
        #expect(llama["object"] as? String == "model")
        #expect(llama["owned_by"] as? String == "meta-llama")
        #expect(llama["tasks"] as? [String] == ["conversational"])
        let regions = try #require(llama["regions"] as? [String])
        #expect(regions.contains("eu") && regions.contains("uk"))
        let cheapest = try #require(llama["cheapest"] as? [String: Any])
        #expect(cheapest["served_by"] as? String == "nscale")  // 0.03 in / 0.09 out: lowest blended price
        #expect(data.contains { ($0["tasks"] as? [String])?.contains("summarization") == true })
        await h.stop()
    }

    @Test("offers carry the broker's own measured latency once it has served them")
    func measuredFigures() async throws {
        let h = try await ServeHarness()
        let chat = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(chat.status == 200)
        let servedBy = try #require(chat.header("x-broker-served-by"))
        _ = try await h.send("GET", "/v1/usage")  // flushes the group-committed ledger
        let response = try await h.send(
            "GET", "/v1/marketplace/offers?model=Llama-3.1-8B-Instruct&served_by=\(servedBy)")
        let offer = try #require(
            (ServeHarness.json(response) as? [[String: Any]])?.first { $0["provider"] as? String == "hf" })
        #expect(offer["measured_requests"] as? Int == 1)
        #expect(offer["measured_latency_ms"] is Int)
        await h.stop()
    }

    @Test("/v1/marketplace/offers takes broker market's filters and answers the market JSON contract")
    func offers() async throws {
        let h = try await ServeHarness()
        let response = try await h.send("GET", "/v1/marketplace/offers?region=eu&task=chat&sort=price")
        #expect(response.status == 200)
        let offers = try #require(ServeHarness.json(response) as? [[String: Any]])
        #expect(!offers.isEmpty)
        #expect(offers.allSatisfy { $0["region"] as? String == "eu" })
        #expect(offers.allSatisfy { ($0["compliance"] as? [String])?.contains("gdpr") == true })
        #expect(offers.contains { $0["provider"] as? String == "acme" })
        for field in [
            "provider", "served_by", "model", "hf_id", "task", "billing", "price_state", "input_usd_per_mtok",
            "output_usd_per_mtok", "context_length", "refreshed_at", "stale",
        ] {
            #expect(offers[0].keys.contains(field), "missing \(field)")
        }
        let capped = try await h.send("GET", "/v1/marketplace/offers?max_input_price=0.1&model=llama-3.1-8b")
        let cheap = try #require(ServeHarness.json(capped) as? [[String: Any]])
        #expect(Set(cheap.compactMap { $0["served_by"] as? String }) == ["nscale", "groq"])
        let bad = try await h.send("GET", "/v1/marketplace/offers?region=mars")
        #expect(bad.status == 400)
        let providers = try await h.send("GET", "/v1/marketplace/providers")
        let rows = try #require(ServeHarness.json(providers) as? [[String: Any]])
        #expect(rows.map { $0["provider"] as? String } == ["hf", "acme"])
        #expect(rows[0]["credential"] as? String == "set")
        #expect(!providers.text.contains(ServeHarness.hfToken))
        await h.stop()
    }

    @Test("/health reports the last refresh per provider and turns degraded after two failures in a row")
    func health() async throws {
        let h = try await ServeHarness()
        let ok = try await h.send("GET", "/health")
        #expect(ok.status == 200)
        let first = try #require(ServeHarness.json(ok) as? [String: Any])
        #expect(first["status"] as? String == "ok")
        #expect(first["store"] as? String == "ok")
        #expect((first["providers"] as? [[String: Any]])?.count == 2)
        h.simulator.inject(.serverError(500), pathPrefix: "/together/v1/models", count: 2)
        await h.server.refreshNow()
        let once = try #require(ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any])
        #expect(once["status"] as? String == "ok")
        await h.server.refreshNow()
        let twice = try #require(ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any])
        #expect(twice["status"] as? String == "degraded")
        #expect(twice["degraded_providers"] as? [String] == ["acme"])
        await h.server.refreshNow()
        let healed = try #require(ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any])
        #expect(healed["status"] as? String == "ok")
        await h.stop()
    }
    @Test(
        "while another process holds the store, answered chats are still billed: /health says the ledger is retrying, /metrics counts the failed commits, and /v1/usage has every request once the store is free"
    )
    func ledgerSurvivesLockedStore() async throws {
        let h = try await ServeHarness(storeBusyTimeoutMs: 50)
        let other = try SQLiteConnection(path: h.storePath, busyTimeoutMs: 50)
        try other.execute("BEGIN EXCLUSIVE")
        for i in 0..<3 {
            let answer = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8", "locked \(i)"))
            #expect(answer.status == 200)
        }
        var health: [String: Any] = [:]
        for _ in 0..<200 {
            health = try #require(ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any])
            if (health["ledger"] as? [String: Any])?["status"] as? String == "retrying" { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let ledger = try #require(health["ledger"] as? [String: Any])
        #expect(health["status"] as? String == "degraded")
        #expect(ledger["status"] as? String == "retrying")
        #expect((ledger["failed_commits"] as? Int ?? 0) >= 1)
        #expect((ledger["last_error"] as? String)?.contains("locked") == true, "\(ledger)")
        let metrics = try await h.send("GET", "/metrics").text
        #expect(!metrics.contains("broker_ledger_failed_commits_total 0\n"), "\(metrics)")
        #expect(metrics.contains("broker_ledger_dropped_total{what=\"attempts\"} 0"))

        try other.execute("COMMIT")
        let usage = try #require(ServeHarness.json(try await h.send("GET", "/v1/usage")) as? [[String: Any]])
        #expect(usage.first { $0["provider"] as? String == "hf" }?["requests"] as? Int == 3)
        let healed = try #require(ServeHarness.json(try await h.send("GET", "/health")) as? [String: Any])
        #expect(healed["status"] as? String == "ok")
        #expect((healed["ledger"] as? [String: Any])?["queued_attempts"] as? Int == 0)
        await h.stop()
    }

    @Test(
        "POST /v1/marketplace/quote prices a request on every fitting offer in the offer's currency and USD, cheapest first"
    )
    func quote() async throws {
        let h = try await ServeHarness(editRegistry: { text in
            // A euro-priced provider beside the simulator's own, and the ECB's rates.
            guard let start = text.range(of: "\"base_url\": \"")?.upperBound,
                let end = text[start...].firstIndex(of: "\"")
            else { return text }
            let base = String(text[start..<end])
            let extra = """
                ,{"key": "euro", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
                  "region": {"region": "eu", "countries": ["FR"]}, "timeout": "10s",
                  "pricing": {"source": "static", "catalog": "table", "unit": "eur_per_mtok", "taken": "2026-12-01",
                    "source_url": "https://example.eu/pricing",
                    "models": [{"model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "input": "0.75", "output": "0.70"}]}}
                ,{"key": "ecb", "adapter": "ecb-rates", "base_url": "\(base)", "timeout": "10s"}
                """
            guard let close = text.range(of: "]", options: .backwards) else { return text }
            return text.replacingCharacters(in: close.lowerBound..<close.lowerBound, with: extra + "\n")
        })
        let body: [String: Any] = [
            "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "input_tokens": 1000, "output_tokens": 2000,
        ]
        let response = try await h.send("POST", "/v1/marketplace/quote", json: body)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let lines = try #require(ServeHarness.json(response) as? [[String: Any]])
        #expect(lines.map { $0["provider"] as? String } == ["euro", "acme"])
        #expect(lines.first?["cost_nano"] as? Int == 2_150_000)
        #expect(lines.first?["cost_nano_usd"] as? Int == 2_458_525)
        #expect(lines.first?["currency"] as? String == "EUR")
        let bad = try await h.send(
            "POST", "/v1/marketplace/quote", json: ["model": "x", "input_tokens": -1, "output_tokens": 1])
        #expect(bad.status == 400)
        let none = try await h.send(
            "POST", "/v1/marketplace/quote", json: ["model": "no/such", "input_tokens": 1, "output_tokens": 1])
        #expect(none.status == 404)
        let get = try await h.send("GET", "/v1/marketplace/quote")
        #expect(get.status == 405)
        // A chat answered by the euro offer says so in its broker member and headers.
        let chat = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat("meta-llama/Llama-3.3-70B-Instruct-Turbo"))
        #expect(chat.status == 200)
        #expect(chat.header("x-broker-provider") == "euro")
        #expect(chat.header("x-broker-currency") == "EUR")
        let broker = try #require((ServeHarness.json(chat) as? [String: Any])?["broker"] as? [String: Any])
        #expect(broker["currency"] as? String == "EUR")
        #expect(broker["price_basis"] as? String == "ecb:2026-07-09")
        let nano = try #require(broker["cost_nano"] as? Int)
        #expect(chat.header("x-broker-cost-nano") == String(nano))
        #expect(broker["cost_nano_usd"] is Int)  // converted from the exact pico-euro cost
        await h.stop()
    }

    @Test("GET /v1/marketplace/audit answers broker audit prices' findings; offers carry price_disputed")
    func audit() async throws {
        let h = try await ServeHarness()
        let response = try await h.send("GET", "/v1/marketplace/audit")
        #expect(response.status == 200)
        // The simulator's sources agree (or price different endpoints): no findings.
        #expect((ServeHarness.json(response) as? [Any])?.isEmpty == true)
        let offers = try await h.send("GET", "/v1/marketplace/offers?model=llama-3.1-8b")
        let rows = try #require(ServeHarness.json(offers) as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["price_disputed"] as? Bool == false })
        let bad = try await h.send("GET", "/v1/marketplace/audit?tolerance_pct=much")
        #expect(bad.status == 400)
        await h.stop()
    }
}
