import Foundation
import ProviderSimulator
import Testing

/// `GET /v1/marketplace/gpus` and the page's GPUs view, over the simulated compute sources.
@Suite("broker serve: GPU compute offers")
struct GPUsAPITests {
    /// The test registry plus the compute sources, at the simulator's address taken from the text.
    static func withCompute(_ registry: String) -> String {
        guard let start = registry.range(of: "\"base_url\": \"") else { return registry }
        let base = String(registry[start.upperBound...].prefix { $0 != "\"" })
        guard let end = registry.range(of: "\n]}", options: .backwards) else { return registry }
        return registry.replacingCharacters(
            in: end, with: ProviderSimulator.computeRegistryEntries(base: base) + "\n]}")
    }

    static func text(_ value: Any?) -> String? { (value as? NSNumber)?.stringValue ?? (value as? String) }

    @Test("/v1/marketplace/gpus takes broker gpus' filters and answers the gpus JSON contract")
    func gpus() async throws {
        let h = try await ServeHarness(editRegistry: Self.withCompute)
        let response = try await h.send("GET", "/v1/marketplace/gpus?gpu=H100&region=eu&sort=price")
        #expect(response.status == 200)
        let offers = try #require(ServeHarness.json(response) as? [[String: Any]])
        #expect(!offers.isEmpty)
        let models = offers.map { ($0["gpu_model"] as? String) ?? "" }
        #expect(offers.allSatisfy { $0["region"] as? String == "eu" })
        #expect(models.allSatisfy { $0 == "H100" || $0.hasPrefix("H100-") }, "\(models)")
        // Scaleway's EUR H100 in Paris and RunPod's USD H100 in Iceland, ordered by USD price.
        #expect(Set(offers.compactMap { $0["provider"] as? String }) == ["scaleway", "runpod"])
        let usd = offers.compactMap { Decimal(string: Self.text($0["usd_per_hour"]) ?? "") }
        #expect(usd.count == offers.count && usd == usd.sorted())
        for field in [
            "provider", "source", "offer_kind", "instance_type", "gpu_model", "gpu_count", "gpu_memory_gib", "vcpus",
            "ram_gib", "region", "location", "countries", "compliance", "pricing_model", "currency", "price_per_hour",
            "price_per_gpu_hour", "usd_per_hour", "price_basis", "availability", "refreshed_at", "stale",
        ] {
            #expect(offers[0].keys.contains(field), "missing \(field)")
        }
        // A bad filter is a 400 naming it.
        let bad = try await h.send("GET", "/v1/marketplace/gpus?sort=cheapest")
        #expect(bad.status == 400)
        #expect(String(decoding: bad.body, as: UTF8.self).contains("sort"))
        // `unknown` never matches a region filter: asking for it is a bad filter, not the unplaced offers.
        let unknown = try await h.send("GET", "/v1/marketplace/gpus?region=unknown")
        #expect(unknown.status == 400)
        #expect(String(decoding: unknown.body, as: UTF8.self).contains("eu, uk, ch, us, apac or a country code"))
        // A cap in EUR with a pricing model.
        let capped = try await h.send("GET", "/v1/marketplace/gpus?max_hourly=1&currency=EUR&pricing=on-demand")
        let cheap = try #require(ServeHarness.json(capped) as? [[String: Any]])
        #expect(!cheap.isEmpty && cheap.allSatisfy { $0["pricing_model"] as? String == "on-demand" })
        #expect(cheap.contains { $0["offer_id"] as? String == "scaleway//compute/l4_1_24g/run_nl-ams-1" })
        #expect(!cheap.contains { $0["offer_id"] as? String == "scaleway//compute/l40s_1_48g/run_fr-par-2" })
        await h.stop()
    }

    @Test("the page's GPUs view, filtered to the EU by its URL, shows only EU GPU offers (screenshot in docs/)")
    func gpusView() async throws {
        guard let chromium = WebPageBrowserTests.chromium() else {
            Issue.record(
                "chromium is not installed: run scripts/bootstrap.sh (apt-get install chromium) or set $CHROMIUM")
            return
        }
        let h = try await ServeHarness(editRegistry: Self.withCompute)
        let profile = h.dir.appendingPathComponent("chromium-profile")
        let url = h.baseURL + "/?view=gpus&region=eu"
        let (code, dom) = try await WebPageBrowserTests.run(chromium, ["--dump-dom", url], profile: profile)
        #expect(code == 0)
        #expect(dom.contains("data-ready=\"1\""), "the page's script did not finish: \(dom.prefix(400))")
        let cards = dom.components(separatedBy: "<article class=\"card gpu\"").dropFirst()
        #expect(cards.count >= 5)
        #expect(cards.allSatisfy { $0.contains("data-region=\"eu\"") })
        #expect(dom.contains("data-provider=\"scaleway\"") && dom.contains("data-currency=\"EUR\""))
        #expect(dom.contains("ecb:2026-07-09"))
        #expect(!dom.contains("data-region=\"ch\"") && !dom.contains("data-region=\"us\""))
        #expect(dom.contains("\(cards.count) GPU offers"))

        let shot = h.dir.appendingPathComponent("gpus.png")
        _ = try await WebPageBrowserTests.run(
            chromium, ["--screenshot=\(shot.path)", "--window-size=1280,900", "--hide-scrollbars", url],
            profile: profile)
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        if let keep = ProcessInfo.processInfo.environment["BROKER_GPUS_SCREENSHOT_TO"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: keep))
        }
        await h.stop()
    }
}
