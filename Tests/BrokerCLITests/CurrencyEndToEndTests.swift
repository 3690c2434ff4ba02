import Foundation
import ProviderSimulator
import Testing

/// Prices kept in the currency they are published in: a euro-priced provider beside a dollar
/// one, the ECB rate that converts between them, and the cost of a request in each, through
/// `broker refresh`, `market`, `run` and `usage`.
@Suite("Currencies through the broker command")
struct CurrencyEndToEndTests {
    /// The Together-style catalog's Llama 3.3 70B: $0.88/$0.88 from `acme`, and from `euro`
    /// (a provider publishing a euro table, in the registry) €0.75 in and €0.70 out.
    static let model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"

    func market(ecb: Bool = true) throws -> SimulatedMarket {
        let market = try SimulatedMarket()
        let base = market.simulator.baseURL
        var extra = """
            ,{"key": "euro", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
              "region": {"region": "eu", "countries": ["FR"]}, "timeout": "10s",
              "pricing": {"source": "static", "catalog": "table", "unit": "eur_per_mtok", "taken": "2026-12-01",
                "source_url": "https://example.eu/pricing",
                "models": [{"model": "\(Self.model)", "input": "0.75", "output": "0.70", "context_length": 131072}]}}
            """
        if ecb {
            extra += ",{\"key\": \"ecb\", \"adapter\": \"ecb-rates\", \"base_url\": \"\(base)\", \"timeout\": \"10s\"}"
        }
        try market.simulator.testRegistryJSON(extraProviders: extra).write(
            to: market.registry, atomically: true, encoding: .utf8)
        return market
    }

    func refresh(_ market: SimulatedMarket, ecb: Bool = true) async throws {
        let keys = ["acme", "euro"] + (ecb ? ["ecb"] : [])
        let result = try await market.broker(["refresh"] + keys.flatMap { ["--provider", $0] })
        #expect(result.code == 0, "\(result.stderr)")
    }

    func offers(_ market: SimulatedMarket, _ args: [String] = []) async throws -> [[String: Any]] {
        let (result, json) = try await market.json(["market", "--model", Self.model] + args)
        #expect(result.code == 0, "\(result.stderr)")
        return try #require(json as? [[String: Any]], "\(result.stdout)")
    }

    static func text(_ value: Any?) -> String? { (value as? NSNumber)?.stringValue ?? (value as? String) }

    @Test(
        "market keeps the euro price as published and converts it with the stored ECB rate, labelled; cheapest and caps compare in USD; --currency EUR compares natively"
    )
    func marketInEuros() async throws {
        let market = try market()
        defer { market.stop() }
        try await refresh(market)
        let all = try await offers(market)
        // €0.75/€0.70 ≈ $0.86/$0.80 < $0.88/$0.88 blended
        #expect(all.map { $0["provider"] as? String } == ["euro", "acme"])
        let euro = try #require(all.first)
        #expect(euro["currency"] as? String == "EUR")
        #expect(Self.text(euro["input_per_mtok"]) == "0.75")
        #expect(Self.text(euro["output_per_mtok"]) == "0.7")
        #expect(euro["price_state"] as? String == "priced")
        #expect(euro["price_basis"] as? String == "ecb:2026-07-09")
        // 0.75 × 1.1435 = 0.857625 and 0.70 × 1.1435 = 0.80045, exactly.
        let (raw, _) = try await market.json(["market", "--model", Self.model, "--provider", "euro"])
        #expect(raw.stdout.contains("\"input_usd_per_mtok\":0.857625"), "\(raw.stdout)")
        #expect(raw.stdout.contains("\"output_usd_per_mtok\":0.80045"), "\(raw.stdout)")
        let acme = try #require(all.last)
        #expect(acme["currency"] as? String == "USD")
        #expect(acme["price_basis"] as? String == "native")
        #expect(Self.text(acme["input_usd_per_mtok"]) == "0.88")

        // A USD cap compares the converted value: $0.86 admits €0.75 ($0.857625), $0.85 does not.
        #expect(try await offers(market, ["--max-input-price", "0.86"]).map { $0["provider"] as? String } == ["euro"])
        #expect(try await offers(market, ["--max-input-price", "0.85"]).isEmpty)
        // At the converted value exactly the cap admits it; a pico-dollar under, not.
        #expect(try await offers(market, ["--max-input-price", "0.857625"]).count == 1)
        #expect(try await offers(market, ["--max-input-price", "0.857624"]).isEmpty)
        // --currency EUR: only euro prices, the cap in euros.
        let native = try await offers(market, ["--currency", "EUR", "--max-input-price", "0.75"])
        #expect(native.map { $0["provider"] as? String } == ["euro"])
        #expect(try await offers(market, ["--currency", "EUR", "--max-input-price", "0.74"]).isEmpty)
        let bad = try await market.broker(["market", "--currency", "euro"])
        #expect(bad.code == 64)
        #expect(bad.stderr.contains("--currency"))
    }

    @Test(
        "without a stored rate the euro offer is still priced, its USD fields null; cheapest routes to the comparable dollar offer, --currency EUR to the euro one"
    )
    func noRate() async throws {
        let market = try market(ecb: false)
        defer { market.stop() }
        try await refresh(market, ecb: false)
        let all = try await offers(market)
        #expect(all.map { $0["provider"] as? String } == ["acme", "euro"])
        let euro = try #require(all.last)
        #expect(euro["price_state"] as? String == "priced")
        #expect(euro["input_usd_per_mtok"] is NSNull)
        #expect(euro["output_usd_per_mtok"] is NSNull)
        #expect(euro["price_basis"] is NSNull)
        #expect(Self.text(euro["input_per_mtok"]) == "0.75")
        // A USD cap cannot admit a price it cannot convert.
        #expect(try await offers(market, ["--max-input-price", "5"]).map { $0["provider"] as? String } == ["acme"])

        let (run, json) = try await market.json(["run", "--model", Self.model, "--prompt", "hello"])
        #expect(run.code == 0, "\(run.stderr)")
        #expect((json as? [String: Any])?["provider"] as? String == "acme")
        let (eur, eurJSON) = try await market.json([
            "run", "--model", Self.model, "--prompt", "hello", "--currency", "EUR",
        ])
        #expect(eur.code == 0, "\(eur.stderr)")
        let object = try #require(eurJSON as? [String: Any])
        #expect(object["provider"] as? String == "euro")
        #expect(object["currency"] as? String == "EUR")
        #expect(object["cost_nano_usd"] is NSNull)
        #expect(object["price_basis"] is NSNull)
        let usage = try #require(object["usage"] as? [String: Any])
        let (input, output) = (
            try #require(usage["input_tokens"] as? Int), try #require(usage["output_tokens"] as? Int)
        )
        // €0.75 and €0.70 per million tokens: 750 and 700 nano-euros per token.
        #expect(object["cost_nano"] as? Int == input * 750 + output * 700)
    }

    @Test(
        "run bills the euro offer exactly in euros with the USD figure and rate date; usage keeps one row per currency")
    func runAndUsageInEuros() async throws {
        let market = try market()
        defer { market.stop() }
        try await refresh(market)
        let (run, json) = try await market.json(["run", "--model", Self.model, "--prompt", "hello there"])
        #expect(run.code == 0, "\(run.stderr)")
        let object = try #require(json as? [String: Any])
        #expect(object["provider"] as? String == "euro")
        #expect(object["currency"] as? String == "EUR")
        #expect(object["price_basis"] as? String == "ecb:2026-07-09")
        let usage = try #require(object["usage"] as? [String: Any])
        let (input, output) = (
            try #require(usage["input_tokens"] as? Int), try #require(usage["output_tokens"] as? Int)
        )
        let nativePico = Int64(input) * 750_000 + Int64(output) * 700_000
        #expect(object["cost_nano"] as? Int == Int((nativePico + 500) / 1000))
        // USD: the exact euro cost × 1.1435, half up to a pico-dollar, then to nano.
        let usdPico = (nativePico * 11435 + 5000) / 10000
        #expect(object["cost_nano_usd"] as? Int == Int((usdPico + 500) / 1000))

        // The same model in dollars, pinned: USD figures, basis native.
        let (pinned, pinnedJSON) = try await market.json([
            "run", "--model", Self.model, "--prompt", "hi", "--provider", "acme",
        ])
        #expect(pinned.code == 0, "\(pinned.stderr)")
        let dollars = try #require(pinnedJSON as? [String: Any])
        #expect(dollars["currency"] as? String == "USD")
        #expect(dollars["price_basis"] as? String == "native")
        #expect(dollars["cost_nano"] as? Int == dollars["cost_nano_usd"] as? Int)

        let (usageRun, usageJSON) = try await market.json(["usage", "--by", "day"])
        #expect(usageRun.code == 0, "\(usageRun.stderr)")
        let rows = try #require(usageJSON as? [[String: Any]])
        // One day, two currencies: two rows, never one sum of euros and dollars.
        #expect(rows.count == 2)
        let eurRow = try #require(rows.first { $0["currency"] as? String == "EUR" })
        #expect(eurRow["cost_nano"] as? Int == Int((nativePico + 500) / 1000))
        #expect(eurRow["cost_nano_usd"] as? Int == Int((usdPico + 500) / 1000))
        #expect(eurRow["price_basis"] as? [String] == ["ecb:2026-07-09"])
        let usdRow = try #require(rows.first { $0["currency"] as? String == "USD" })
        #expect(usdRow["cost_nano"] as? Int == dollars["cost_nano"] as? Int)
        #expect(usdRow["cost_nano_usd"] as? Int == dollars["cost_nano_usd"] as? Int)
        let table = try await market.broker(["usage", "--format", "table"])
        #expect(table.stdout.contains("EUR"), "\(table.stdout)")
    }

    @Test(
        "quote gives the exact cost of a request on every fitting offer, cheapest first in USD, in the offer's currency and in USD"
    )
    func quote() async throws {
        let market = try market()
        defer { market.stop() }
        try await refresh(market)
        let (result, json) = try await market.json([
            "quote", "--model", Self.model, "--input-tokens", "1000", "--output-tokens", "2000",
        ])
        #expect(result.code == 0, "\(result.stderr)")
        let lines = try #require(json as? [[String: Any]], "\(result.stdout)")
        #expect(lines.map { $0["provider"] as? String } == ["euro", "acme"])
        // 1,000 × €0.75/M + 2,000 × €0.70/M = €0.00215 exactly; × 1.1435 = $0.002458525.
        #expect(result.stdout.contains("\"cost\":0.00215,"), "\(result.stdout)")
        #expect(lines[0]["currency"] as? String == "EUR")
        #expect(lines[0]["cost_nano"] as? Int == 2_150_000)
        #expect(result.stdout.contains("\"cost_usd\":0.002458525,"), "\(result.stdout)")
        #expect(lines[0]["cost_nano_usd"] as? Int == 2_458_525)
        #expect(lines[0]["price_basis"] as? String == "ecb:2026-07-09")
        #expect(lines[0]["input_tokens"] as? Int == 1000)
        // 3,000 tokens × $0.88/M = $0.00264.
        #expect(lines[1]["currency"] as? String == "USD")
        #expect(lines[1]["cost_nano"] as? Int == 2_640_000)
        #expect(lines[1]["cost_nano_usd"] as? Int == 2_640_000)
        #expect(lines[1]["price_basis"] as? String == "native")

        let (_, euros) = try await market.json([
            "quote", "--model", Self.model, "--input-tokens", "1", "--output-tokens", "1", "--currency", "EUR",
        ])
        #expect((euros as? [[String: Any]])?.map { $0["provider"] as? String } == ["euro"])
        let (_, capped) = try await market.json(
            [
                "quote", "--model", Self.model, "--input-tokens", "1", "--output-tokens", "1", "--max-input-price",
                "0.86", "--provider", "acme",
            ])
        #expect((capped as? [[String: Any]])?.isEmpty ?? true)
        let none = try await market.broker([
            "quote", "--model", "no/such-model", "--input-tokens", "1", "--output-tokens", "1",
        ])
        #expect(none.code == 69)
        let bad = try await market.broker([
            "quote", "--model", Self.model, "--input-tokens", "many", "--output-tokens", "1",
        ])
        #expect(bad.code == 64)
        #expect(bad.stderr.contains("--input-tokens"), "\(bad.stderr)")
    }

    @Test("usage --by region and audit requests record where each request was processed, as its offer stood then")
    func processingRecord() async throws {
        let market = try market()
        defer { market.stop() }
        try await refresh(market)
        #expect(try await market.broker(["run", "--model", Self.model, "--prompt", "one"]).code == 0)  // euro, FR
        #expect(
            // acme, DE
            try await market.broker(["run", "--model", Self.model, "--prompt", "two", "--provider", "acme"]).code == 0)
        let (_, usage) = try await market.json(["usage", "--by", "region"])
        let rows = try #require(usage as? [[String: Any]])
        #expect(rows.map { $0["region"] as? String } == ["eu", "eu"])
        #expect(Set(rows.compactMap { $0["currency"] as? String }) == ["EUR", "USD"])

        let (audit, json) = try await market.json(["audit", "requests", "--since", "30d"])
        #expect(audit.code == 0, "\(audit.stderr)")
        let attempts = try #require(json as? [[String: Any]])
        #expect(attempts.map { $0["provider"] as? String } == ["euro", "acme"])
        #expect(attempts.map { $0["countries"] as? [String] } == [["FR"], ["DE"]])
        #expect(
            attempts.allSatisfy {
                $0["region"] as? String == "eu" && ($0["compliance"] as? [String])?.contains("gdpr") == true
            })
        #expect(attempts.first?["currency"] as? String == "EUR")
        #expect(attempts.allSatisfy { $0["request_id"] is String && $0["outcome"] as? String == "ok" })
        let csv = try await market.broker(["audit", "requests", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("request_id,attempt,at,provider,served_by,upstream,model"), "\(csv.stdout)")
    }

    @Test(
        "usage --savings compares what each answered request cost with the cheapest offer that fitted it then, for the same tokens, in USD"
    )
    func savings() async throws {
        let market = try market()
        defer { market.stop() }
        try await refresh(market)
        // cheapest: the euro offer, nothing overpaid.
        #expect(try await market.broker(["run", "--model", Self.model, "--prompt", "one"]).code == 0)
        // preferred: acme comes first in the registry, while the euro offer was cheaper.
        let (run, json) = try await market.json([
            "run", "--model", Self.model, "--prompt", "two", "--policy", "preferred",
        ])
        #expect(run.code == 0, "\(run.stderr)")
        let object = try #require(json as? [String: Any])
        #expect(object["provider"] as? String == "acme")
        let usage = try #require(object["usage"] as? [String: Any])
        let (input, output) = (
            Int64(try #require(usage["input_tokens"] as? Int)), Int64(try #require(usage["output_tokens"] as? Int))
        )
        let paid = (input + output) * 880_000
        let cheapest = ((input * 750_000 + output * 700_000) * 11435 + 5000) / 10000
        let (result, savingsJSON) = try await market.json(["usage", "--savings"])
        #expect(result.code == 0, "\(result.stderr)")
        let rows = try #require(savingsJSON as? [[String: Any]])
        let acme = try #require(rows.first { $0["provider"] as? String == "acme" })
        #expect(acme["requests"] as? Int == 1)
        #expect(acme["paid_nano_usd"] as? Int == Int((paid + 500) / 1000))
        #expect(acme["cheapest_nano_usd"] as? Int == Int((cheapest + 500) / 1000))
        #expect(acme["overpaid_nano_usd"] as? Int == Int((paid - cheapest + 500) / 1000))
        let euro = try #require(rows.first { $0["provider"] as? String == "euro" })
        #expect(euro["overpaid_nano_usd"] as? Int == 0)
        #expect(rows.last?["provider"] as? String == "total")
    }

    @Test(
        "a new ECB rate converts from its day on; a holiday (the same day's file again) keeps the last rate and its date; an older file never replaces a newer rate"
    )
    func ecbDays() async throws {
        let market = try market()
        defer { market.stop() }
        try await refresh(market)
        func euro() async throws -> [String: Any]? { try await offers(market, ["--provider", "euro"]).first }
        #expect(try await euro()?["price_basis"] as? String == "ecb:2026-07-09")
        let next = SimulatorFixtures.ecb(day: "2026-07-10", usd: "1.15")
        market.simulator.updateFixtures { $0.compute.ecbXML = next }
        #expect(try await market.broker(["refresh", "--provider", "ecb"]).code == 0)
        #expect(try await euro()?["price_basis"] as? String == "ecb:2026-07-10")
        let (raw, _) = try await market.json(["market", "--model", Self.model, "--provider", "euro"])
        #expect(raw.stdout.contains("\"input_usd_per_mtok\":0.8625"), "\(raw.stdout)")  // 0.75 × 1.15
        // A holiday: no new rate, the ECB serves the last business day's file again.
        let holiday = try await market.broker(["refresh", "--provider", "ecb"])
        #expect(holiday.code == 0, "\(holiday.stderr)")
        #expect(try await euro()?["price_basis"] as? String == "ecb:2026-07-10")
        // An older file (a stale mirror) does not replace the newer rate.
        market.simulator.updateFixtures { $0.compute.ecbXML = ComputeFixtures.defaultECB }
        _ = try await market.broker(["refresh", "--provider", "ecb"])
        #expect(try await euro()?["price_basis"] as? String == "ecb:2026-07-10")
    }
}

extension SimulatorFixtures {
    /// The ECB's daily file for `day` with one USD rate.
    /// A day's file with every currency of the default one (a file that drops a currency already
    /// stored is refused and the last rates kept).
    static func ecb(day: String, usd: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
        <gesmes:subject>Reference rates</gesmes:subject>
        <Cube><Cube time='\(day)'><Cube currency='USD' rate='\(usd)'/><Cube currency='JPY' rate='185.72'/><Cube currency='CZK' rate='24.254'/><Cube currency='GBP' rate='0.85363'/><Cube currency='CHF' rate='0.9227'/></Cube></Cube>
        </gesmes:Envelope>
        """
    }
}
