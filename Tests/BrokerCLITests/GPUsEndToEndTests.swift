import Foundation
import ProviderSimulator
import Testing

/// GPU compute offers from the four public sources, through `broker refresh` and `broker gpus`.
@Suite("GPU compute offers through the broker command")
struct GPUsEndToEndTests {
    static let sources = [
        "hf-endpoints", "gpuhunt-aws", "gpuhunt-runpod", "gpuhunt-azure", "vast", "scaleway-gpu", "ecb",
    ]

    /// A market whose registry points the compute sources at its own simulator.
    func computeMarket(fixtures: SimulatorFixtures = SimulatorFixtures()) throws -> SimulatedMarket {
        let market = try SimulatedMarket(fixtures: fixtures)
        let text = market.simulator.testRegistryJSON(extraProviders: market.simulator.computeRegistryEntries())
        try text.write(to: market.registry, atomically: true, encoding: .utf8)
        return market
    }

    func refresh(_ market: SimulatedMarket, _ keys: [String] = sources) async throws -> [String: [String: Any]] {
        let (_, json) = try await market.json(["refresh"] + keys.flatMap { ["--provider", $0] })
        let runs = try #require(json as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: runs.map { ($0["provider"] as? String ?? "", $0) })
    }

    func gpus(_ market: SimulatedMarket, _ args: [String]) async throws -> [[String: Any]] {
        let (result, json) = try await market.json(["gpus"] + args)
        #expect(result.code == 0, "\(result.stderr)")
        return try #require(json as? [[String: Any]], "\(result.stdout)")
    }

    static func text(_ value: Any?) -> String? { (value as? NSNumber)?.stringValue ?? (value as? String) }

    @Test(
        "each source refreshes into the store with exact prices, per-GPU memory and its region; outdated and malformed data are refused and counted"
    )
    func sourcesRefresh() async throws {
        let market = try computeMarket()
        defer { market.stop() }
        let runs = try await refresh(market)
        #expect(runs["hf-endpoints"]?["status"] as? String == "ok")
        #expect(runs["hf-endpoints"]?["offers"] as? Int == 4)  // the CPU row is not a GPU offer
        #expect(runs["gpuhunt-aws"]?["status"] as? String == "ok")
        #expect(runs["gpuhunt-aws"]?["offers"] as? Int == 5)
        #expect((runs["gpuhunt-aws"]?["skipped"] as? [String: Int])?["malformed row"] == 1)
        #expect((runs["gpuhunt-aws"]?["skipped"] as? [String: Int])?["no GPU"] == 1)
        // Azure's catalog was published 10 days ago: refused, nothing stored, the reason said.
        #expect(runs["gpuhunt-azure"]?["status"] as? String == "failed")
        let azureError = (runs["gpuhunt-azure"]?["error"] as? String) ?? ""
        #expect(azureError.contains("10 days ago"), "\(azureError)")
        #expect(runs["vast"]?["status"] as? String == "ok")
        #expect(runs["scaleway-gpu"]?["offers"] as? Int == 4)
        #expect(runs["ecb"]?["status"] as? String == "ok")
        // Scaleway paged 2 at a time: 5 products = pages of 2, 2 and a short last page of 1.
        let pages = market.simulator.requests.filter { $0.path.hasPrefix("/product-catalog/") }
        #expect(pages.count == 3)

        let all = try await gpus(market, ["--include-stale"])
        func offer(_ id: String) -> [String: Any]? { all.first { $0["offer_id"] as? String == id } }
        // HF: 4 × L4 with 96 GB in all is 24 GiB per GPU; $3.8 per replica-hour, $0.95 per GPU-hour.
        let l4x4 = try #require(offer("aws-us-east-1-nvidia-l4-x4"))
        #expect(l4x4["gpu_model"] as? String == "L4")
        #expect(l4x4["gpu_count"] as? Int == 4)
        #expect(l4x4["gpu_memory_gib"] as? Int == 24)
        #expect(Self.text(l4x4["price_per_hour"]) == "3.8")
        #expect(Self.text(l4x4["price_per_gpu_hour"]) == "0.95")
        #expect(l4x4["offer_kind"] as? String == "managed_endpoint")
        #expect(l4x4["region"] as? String == "us")
        let a100 = try #require(offer("gcp-us-east4-nvidia-a100-x8"))
        #expect(a100["gpu_model"] as? String == "A100-80GB")
        #expect(a100["gpu_memory_gib"] as? Int == 80)
        // gpuhunt AWS: Zurich is Switzerland, not the EU; Frankfurt is EU with GDPR tags.
        let zurich = try #require(offer("aws/p5.48xlarge/eu-central-2/x8/on-demand"))
        #expect(zurich["region"] as? String == "ch")
        #expect(zurich["countries"] as? [String] == ["CH"])
        #expect(zurich["compliance"] as? [String] == [])
        let spot = try #require(offer("aws/g6e.xlarge/eu-central-1/x1/spot"))
        #expect(spot["pricing_model"] as? String == "spot")
        #expect(Self.text(spot["price_per_hour"]) == "1.4934")
        #expect(spot["compliance"] as? [String] == ["eu-residency", "gdpr"])
        // RunPod: a data-centre id and a community country code both place the pod.
        #expect(offer("runpod/NVIDIA A100 80GB PCIe/EU-RO-1/x1/on-demand")?["region"] as? String == "eu")
        #expect(offer("runpod/NVIDIA GeForce RTX 4090/CZ/x1/on-demand")?["countries"] as? [String] == ["CZ"])
        #expect(offer("runpod/NVIDIA H100 NVL/US-TX-3/x1/on-demand")?["gpu_model"] as? String == "H100-NVL")
        // Vast: MB per GPU snapped to 24 GiB, a float price rounded half up at 12 digits, a bid floor.
        let korea = try #require(offer("vast/13489095/on-demand"))
        #expect(korea["gpu_memory_gib"] as? Int == 24)
        #expect(Self.text(korea["price_per_hour"]) == "0.168055555556")
        #expect(korea["region"] as? String == "apac")
        #expect(Self.text(offer("vast/13489095/bid")?["price_per_hour"]) == "0.16")
        #expect(offer("vast/13489095/bid")?["pricing_model"] as? String == "bid")
        // Scaleway: exact EUR from units + nanos, converted to USD with the stored ECB rate.
        let l40s = try #require(offer("scaleway//compute/l40s_1_48g/run_fr-par-2"))
        #expect(l40s["currency"] as? String == "EUR")
        #expect(Self.text(l40s["price_per_hour"]) == "1.4")
        #expect(Self.text(l40s["usd_per_hour"]) == "1.6009")
        #expect(l40s["price_basis"] as? String == "ecb:2026-07-09")
        #expect(l40s["gpu_memory_gib"] as? Int == 48)
        #expect(l40s["region"] as? String == "eu")
    }

    @Test(
        "filters and sorting: --gpu matches variants, EU and compliance filters never match unknown, caps compare across currencies"
    )
    func filtersAndSorting() async throws {
        let market = try computeMarket()
        defer { market.stop() }
        _ = try await refresh(market)
        // H100 finds the SXM (Vast), PCIe (Scaleway), NVL (RunPod) and plain (gpuhunt) variants; never H200.
        let h100 = try await gpus(market, ["--gpu", "H100"])
        let models = Set(h100.compactMap { $0["gpu_model"] as? String })
        #expect(models == ["H100", "H100-SXM", "H100-PCIE", "H100-NVL"])
        // L4 does not match L40S.
        let l4 = try await gpus(market, ["--gpu", "L4"])
        #expect(!l4.isEmpty && l4.allSatisfy { $0["gpu_model"] as? String == "L4" })
        // EU only: every offer positively in the EU/EEA; Zurich (CH) and London (GB) are out.
        let eu = try await gpus(market, ["--region", "eu"])
        #expect(!eu.isEmpty && eu.allSatisfy { $0["region"] as? String == "eu" })
        #expect(!eu.contains { ($0["location"] as? String) == "eu-central-2" })
        let gdpr = try await gpus(market, ["--compliance", "gdpr"])
        #expect(gdpr.contains { ($0["location"] as? String) == "eu-west-2" })  // the UK has GDPR
        #expect(!gdpr.contains { ($0["region"] as? String) == "ch" })
        // A country code works as a region.
        let german = try await gpus(market, ["--region", "DE"])
        #expect(!german.isEmpty && german.allSatisfy { ($0["countries"] as? [String]) == ["DE"] })
        // Sorted by USD price, EUR offers placed by the ECB rate; a cap in EUR converts USD prices.
        let sorted = try await gpus(market, ["--pricing", "on-demand", "--region", "eu"])
        let usd = sorted.compactMap { Decimal(string: Self.text($0["usd_per_hour"]) ?? "") }
        #expect(usd == usd.sorted())
        let capped = try await gpus(market, ["--max-hourly", "1.5", "--currency", "EUR", "--region", "eu"])
        #expect(!capped.isEmpty)
        for offer in capped {
            let usdPrice = try #require(Decimal(string: Self.text(offer["usd_per_hour"]) ?? ""))
            #expect(usdPrice <= Decimal(string: "1.5")! * Decimal(string: "1.1435")!)
        }
        #expect(
            capped.contains { $0["currency"] as? String == "EUR" }
                && capped.contains { $0["currency"] as? String == "USD" })
        // Memory order and limit.
        let byMemory = try await gpus(market, ["--sort", "gpu-memory", "--limit", "2"])
        #expect(byMemory.count == 2)
        #expect(byMemory.first?["gpu_model"] as? String == "H200")
        // Per-GPU price order puts Vast's 2 × RTX 4090 at 0.36 before its single 0.40.
        let perGPU = try await gpus(
            market, ["--gpu", "RTX4090", "--provider", "vast", "--pricing", "on-demand", "--sort", "price-per-gpu"])
        #expect(perGPU.map { Self.text($0["price_per_gpu_hour"]) } == ["0.168055555556", "0.36", "0.4"])
        // Bad usage exits 64 naming the option.
        let bad = try await market.broker(["gpus", "--currency", "JPY"])
        #expect(bad.code == 64)
        #expect(bad.stderr.contains("--currency"))
        // CSV has the contract's header.
        let csv = try await market.broker(["gpus", "--gpu", "L40S", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("provider,source,offer_kind,instance_type,gpu_model,gpu_count,gpu_memory_gib"))
    }

    @Test(
        "an unchanged gpuhunt version skips the download; a failing source keeps its last good offers; no rate leaves USD null"
    )
    func changeDetectionAndLastGood() async throws {
        let market = try computeMarket()
        defer { market.stop() }
        _ = try await refresh(market, ["gpuhunt-aws", "scaleway-gpu", "vast"])
        market.simulator.clearRequests()
        let again = try await refresh(market, ["gpuhunt-aws"])
        #expect(again["gpuhunt-aws"]?["status"] as? String == "ok")
        #expect(again["gpuhunt-aws"]?["offers"] as? Int == 5)
        let paths = market.simulator.requests.map(\.path)
        #expect(paths.contains("/v3/aws/version"))
        #expect(!paths.contains { $0.hasSuffix("catalog.zip") })
        // The table says what was written: nothing, for an unchanged version.
        let table = try await market.broker(["refresh", "--provider", "gpuhunt-aws", "--format", "table"])
        #expect(table.stdout.contains("unchanged"), "\(table.stdout)")
        // A new version is downloaded and replaces the catalog.
        market.simulator.updateFixtures { fixtures in
            fixtures.compute.gpuhunt["aws"]?.version = GpuhuntCatalogFixture.version(run: 99)
            fixtures.compute.gpuhunt["aws"]?.csv = ComputeFixtures.awsCSV.replacingOccurrences(of: "2.327", with: "2.5")
        }
        market.simulator.clearRequests()
        let changed = try await market.broker(["refresh", "--provider", "gpuhunt-aws", "--format", "table"])
        #expect(changed.stdout.contains("0 new, 1 changed, 0 gone"), "\(changed.stdout)")
        #expect(market.simulator.requests.contains { $0.path.hasSuffix("catalog.zip") })
        let l40s = try await gpus(market, ["--gpu", "L40S", "--provider", "gpuhunt-aws", "--pricing", "on-demand"])
        #expect(Self.text(l40s.first?["price_per_hour"]) == "2.5")
        // Vast answers 429 with a long Retry-After: the refresh fails and the last offers stay.
        market.simulator.inject(.rateLimited(retryAfterSeconds: 60), pathPrefix: "/api/v0/bundles", count: 5)
        let limited = try await refresh(market, ["vast"])
        #expect(limited["vast"]?["status"] as? String == "failed")
        let vastError = (limited["vast"]?["error"] as? String) ?? ""
        #expect(vastError.contains("rate_limited"), "\(vastError)")
        let vast = try await gpus(market, ["--provider", "vast"])
        #expect(vast.count == 9)  // 5 asks on demand, 4 with a bid floor
        market.simulator.clearFaults()
        // A short Retry-After is waited out.
        market.simulator.inject(.rateLimited(retryAfterSeconds: 1), pathPrefix: "/api/v0/bundles", count: 1)
        let waited = try await refresh(market, ["vast"])
        #expect(waited["vast"]?["status"] as? String == "ok")
        // Without an ECB rate stored, EUR offers keep their price and have no USD price.
        let eur = try await gpus(market, ["--provider", "scaleway"])
        #expect(eur.allSatisfy { $0["usd_per_hour"] is NSNull && $0["price_basis"] as? String == "native" })
        #expect(eur.allSatisfy { $0["price_per_hour"] is NSNumber })
    }
}

@Suite("rent or call through broker quote")
struct RentOrCallEndToEndTests {
    @Test(
        "quote --tokens-per-day: GPUs that fit the Hub's parameter count, their cost a day, and the break-even against the cheapest per-token offer"
    )
    func rentOrCall() async throws {
        let market = try GPUsEndToEndTests().computeMarket()
        defer { market.stop() }
        _ = try await GPUsEndToEndTests().refresh(market, ["hf"] + GPUsEndToEndTests.sources)
        let (result, json) = try await market.json(["quote", "--model", "l8", "--tokens-per-day", "100000000"])
        #expect(result.code == 0, "\(result.stderr)")
        let quote = try #require(json as? [String: Any])
        let assumptions = try #require(quote["assumptions"] as? [String: Any])
        // 8,030,261,248 parameters × 2 bytes (bf16) × 120 % = 17.95 GiB → 18 GiB.
        #expect(assumptions["parameters"] as? Int == 8_030_261_248)
        #expect(assumptions["memory_needed_gib"] as? Int == 18)
        #expect(assumptions["throughput_per_gpu_tokens_per_s"] as? Int == 1000)
        #expect(assumptions["utilisation_percent"] as? Int == 50)
        let rule = (assumptions["rule"] as? String) ?? ""
        #expect(rule.contains("× 2 bytes (bf16) × 120%"), "\(rule)")
        // The cheapest per-token offer: nscale at 0.03 in / 0.09 out, blended 0.045 per million.
        let perToken = try #require(quote["per_token"] as? [String: Any])
        #expect(perToken["served_by"] as? String == "nscale")
        #expect(GPUsEndToEndTests.text(perToken["blended_usd_per_mtok"]) == "0.045")
        #expect(GPUsEndToEndTests.text(perToken["usd_per_day"]) == "4.5")
        let options = try #require(quote["dedicated"] as? [[String: Any]])
        #expect(!options.isEmpty && options.count <= 5)
        let perDay = options.compactMap { Decimal(string: GPUsEndToEndTests.text($0["usd_per_day"]) ?? "") }
        #expect(perDay == perDay.sorted())
        for option in options {
            #expect((option["gpu_count"] as? Int ?? 0) * (option["gpu_memory_gib"] as? Int ?? 0) >= 18)
            #expect(option["pricing_model"] as? String == "on-demand")
        }
        // Vast's Korean RTX 4090 at $0.168055555556/h: 43.2M tokens a day each, so 3 for 100M;
        // one costs what 89,629,629 tokens a day cost per token.
        let korea = try #require(options.first { $0["offer_id"] as? String == "vast/13489095/on-demand" })
        #expect(korea["instances"] as? Int == 3)
        #expect(korea["capacity_tokens_per_day"] as? Int == 43_200_000)
        #expect(GPUsEndToEndTests.text(korea["usd_per_day"]) == "12.100000000032")
        #expect(korea["break_even_tokens_per_day"] as? Int == 89_629_629)
        #expect(korea["cheaper"] as? String == "call")

        // Overrides: a 70B model in int4 needs 40 GiB; a busier GPU halves the instances.
        let (big, bigJSON) = try await market.json([
            "quote", "--model", "l8", "--tokens-per-day", "100000000", "--params", "70000000000", "--precision", "int4",
            "--throughput-per-gpu", "2000", "--utilisation", "100",
        ])
        #expect(big.code == 0, "\(big.stderr)")
        let bigQuote = try #require(bigJSON as? [String: Any])
        #expect((bigQuote["assumptions"] as? [String: Any])?["memory_needed_gib"] as? Int == 40)
        for option in (bigQuote["dedicated"] as? [[String: Any]]) ?? [] {
            #expect((option["gpu_count"] as? Int ?? 0) * (option["gpu_memory_gib"] as? Int ?? 0) >= 40)
        }
        let bad = try await market.broker(["quote", "--model", "l8", "--tokens-per-day", "-5"])
        #expect(bad.code == 64 && bad.stderr.contains("--tokens-per-day"))
    }
}

@Suite("ECB reference rates through broker refresh")
struct ECBRatesEndToEndTests {
    @Test("a holiday republishes the same day and changes nothing; a document missing a currency keeps the last rates")
    func holidayAndMissingCurrency() async throws {
        let market = try GPUsEndToEndTests().computeMarket()
        defer { market.stop() }
        var runs = try await GPUsEndToEndTests().refresh(market, ["ecb", "scaleway-gpu"])
        #expect(runs["ecb"]?["status"] as? String == "ok" && runs["ecb"]?["offers"] as? Int == 5)
        runs = try await GPUsEndToEndTests().refresh(market, ["ecb"])  // the same day again
        #expect(runs["ecb"]?["status"] as? String == "ok")
        market.simulator.updateFixtures { fixtures in
            fixtures.compute.ecbXML = ComputeFixtures.defaultECB.replacingOccurrences(
                of: "2026-07-09", with: "2026-07-10"
            )
            .replacingOccurrences(of: "\t\t\t<Cube currency='USD' rate='1.1435'/>\n", with: "")
        }
        runs = try await GPUsEndToEndTests().refresh(market, ["ecb"])
        #expect(runs["ecb"]?["status"] as? String == "kept")
        let ecbError = (runs["ecb"]?["error"] as? String) ?? ""
        #expect(ecbError.contains("lack USD"), "\(ecbError)")
        let (_, json) = try await market.json(["gpus", "--provider", "scaleway", "--gpu", "L40S"])
        let l40s = try #require((json as? [[String: Any]])?.first)
        #expect(l40s["price_basis"] as? String == "ecb:2026-07-09")
        #expect(GPUsEndToEndTests.text(l40s["usd_per_hour"]) == "1.6009")
    }
}
