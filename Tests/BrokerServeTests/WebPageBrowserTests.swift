import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve: the marketplace page in a real headless browser")
struct WebPageBrowserTests {
    /// Chromium from Debian (scripts/bootstrap.sh installs it); `$CHROMIUM` overrides.
    static func chromium() -> String? {
        if let path = ProcessInfo.processInfo.environment["CHROMIUM"] { return path }
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin"]
        for dir in dirs {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let path = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// Runs headless Chromium with `arguments` and returns its stdout.
    ///
    /// The wait happens on a thread of its own: blocking a Swift concurrency thread for the
    /// seconds Chromium takes would stall every other test on this two-core machine (and
    /// with it the timing checks of the serve tests running alongside).
    static func run(_ chromium: String, _ arguments: [String], profile: URL) async throws -> (Int32, String) {
        try await onOwnThread { try runBlocking(chromium, arguments, profile: profile) }
    }

    private static func runBlocking(_ chromium: String, _ arguments: [String], profile: URL) throws -> (Int32, String) {
        let child = try ChildProcess(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path)", "--virtual-time-budget=10000",
            ] + arguments,
            environment: ProcessInfo.processInfo.environment, errors: .null)
        let data = child.output?.readAllRetryingInterrupts() ?? Data()
        return (child.wait().code, String(decoding: data, as: UTF8.self))
    }

    @Test("filtered to region EU by the URL, the page shows only EU offers as cards, with prices and badges")
    func regionFilter() async throws {
        guard let chromium = Self.chromium() else {
            Issue.record(
                "chromium is not installed: run scripts/bootstrap.sh (apt-get install chromium) or set $CHROMIUM")
            return
        }
        let h = try await ServeHarness()
        let profile = h.dir.appendingPathComponent("chromium-profile")
        let (code, dom) = try await Self.run(chromium, ["--dump-dom", h.baseURL + "/?region=eu"], profile: profile)
        #expect(code == 0)
        #expect(dom.contains("data-ready=\"1\""), "the page's script did not finish: \(dom.prefix(400))")
        let cards = dom.components(separatedBy: "<article class=\"card\"").dropFirst()
        #expect(cards.count >= 3)
        #expect(cards.allSatisfy { $0.contains("data-region=\"eu\"") })
        #expect(dom.contains("data-served-by=\"scaleway\"") && dom.contains("data-provider=\"acme\""))
        #expect(!dom.contains("data-region=\"uk\"") && !dom.contains("data-served-by=\"groq\""))
        #expect(dom.contains("/M in") && dom.contains("gdpr"))
        #expect(dom.contains("\(cards.count) of "))
        // The provider strip names each provider's last refresh.
        #expect(dom.contains("hf: ok") && dom.contains("acme: ok"))

        let shot = h.dir.appendingPathComponent("marketplace.png")
        _ = try await Self.run(
            chromium,
            ["--screenshot=\(shot.path)", "--window-size=1280,900", "--hide-scrollbars", h.baseURL + "/?region=eu"],
            profile: profile)
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        if let keep = ProcessInfo.processInfo.environment["BROKER_SCREENSHOT_TO"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: keep))
        }
        await h.stop()
    }

    @Test("a market of hundreds of offers draws only the first 500 cards and says how many match")
    func manyOffers() async throws {
        guard let chromium = Self.chromium() else {
            Issue.record(
                "chromium is not installed: run scripts/bootstrap.sh (apt-get install chromium) or set $CHROMIUM")
            return
        }
        let h = try await ServeHarness(fixtures: .generated(models: 300, providersPerModel: 3))
        let profile = h.dir.appendingPathComponent("chromium-profile")
        let (code, dom) = try await Self.run(chromium, ["--dump-dom", h.baseURL + "/"], profile: profile)
        #expect(code == 0)
        #expect(dom.contains("data-ready=\"1\""), "the page's script did not finish: \(dom.prefix(400))")
        let cards = dom.components(separatedBy: "<article class=\"card\"").dropFirst()
        #expect(cards.count == 500)
        // The count names every matching offer, not only the cards drawn.
        let count = try #require(dom.range(of: "first 500 shown · "))
        let matching = dom[count.upperBound...].prefix { $0.isNumber }
        #expect((Int(matching) ?? 0) > 500)
        await h.stop()
    }

    @Test(
        "the model view sets one model's offers side by side, in euros and dollars with their flags, and draws its price history as SVG"
    )
    func modelView() async throws {
        guard let chromium = Self.chromium() else {
            Issue.record(
                "chromium is not installed: run scripts/bootstrap.sh (apt-get install chromium) or set $CHROMIUM")
            return
        }
        // OVHcloud's own euro catalog beside the Hugging Face router's offers of Llama 3.1 8B, and the ECB's rates.
        let h = try await ServeHarness(editRegistry: { text in
            guard let start = text.range(of: "\"base_url\": \"")?.upperBound,
                let end = text[start...].firstIndex(of: "\""),
                let close = text.range(of: "]", options: .backwards)
            else { return text }
            let base = String(text[start..<end])
            let extra = """
                ,{"key": "ovhcloud", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
                  "region": {"region": "eu", "countries": ["FR"]}, "timeout": "10s",
                  "pricing": {"source": "api", "unit": "eur_per_mtok", "taken": "2026-12-01", "source_url": "https://example.eu/ovh",
                    "models": [{"model": "Llama-3.1-8B-Instruct", "hf_id": "meta-llama/Llama-3.1-8B-Instruct", "input": "0.10", "output": "0.10"}]},
                  "options": {"price_feed": "ovh-catalog", "price_feed_url": "\(base)/ovh/rest/v1/models_v2"}}
                ,{"key": "ecb", "adapter": "ecb-rates", "base_url": "\(base)", "timeout": "10s"}
                """
            return text.replacingCharacters(in: close.lowerBound..<close.lowerBound, with: extra + "\n")
        })
        // Together's price on the router rises: a second point in its history.
        try await Task.sleep(for: .milliseconds(1100))
        h.simulator.updateFixtures { f in
            if let i = f.routerModels.firstIndex(where: { $0.id == ServeHarness.llama8B }),
                let j = f.routerModels[i].providers.firstIndex(where: { $0.provider == "together" })
            {
                f.routerModels[i].providers[j].inputPrice = "0.25"
            }
        }
        _ = await h.server.refreshNow()
        let profile = h.dir.appendingPathComponent("chromium-profile")
        let url = h.baseURL + "/?view=model&model=" + ServeHarness.llama8B.replacingOccurrences(of: "/", with: "%2F")
        let (code, dom) = try await Self.run(chromium, ["--dump-dom", url], profile: profile)
        #expect(code == 0)
        #expect(dom.contains("data-ready=\"1\""), "the page's script did not finish: \(dom.prefix(400))")
        let rows = dom.components(separatedBy: "<tr class=\"offer-row\"").dropFirst()
        #expect(rows.count == 5, "\(dom)")  // the router's four serving providers and OVHcloud's own offer
        let ovh = try #require(rows.first { $0.contains("data-provider=\"ovhcloud\"") })
        #expect(ovh.contains("data-currency=\"EUR\"") && ovh.contains("€0.1"))
        #expect(ovh.contains("≈ $0.11435 / $0.11435 (ecb:2026-07-09)"))
        #expect(ovh.contains("eu (FR)"))
        #expect(rows.contains { $0.contains("data-served-by=\"together\"") && $0.contains("$0.25") })
        // The chart: one series per offer, drawn inline as SVG; Together's has two recorded prices.
        #expect(dom.contains("<svg id=\"history\""))
        let series = dom.components(separatedBy: "<polyline class=\"series\"").dropFirst()
        #expect(series.count == 5)
        #expect(dom.contains("data-series=\"hf · together\"") && dom.contains("ovhcloud (EUR)"))
        let together = try #require(series.first { $0.contains("data-series=\"hf · together\"") })
        let points = together.components(separatedBy: "points=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
        #expect(points.split(separator: " ").count == 4, "\(points)")  // two prices as steps, then on to now

        let shot = h.dir.appendingPathComponent("model.png")
        _ = try await Self.run(
            chromium, ["--screenshot=\(shot.path)", "--window-size=1280,800", "--hide-scrollbars", url],
            profile: profile)
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        if let keep = ProcessInfo.processInfo.environment["BROKER_MODEL_SCREENSHOT_TO"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: keep))
        }
        await h.stop()
    }

    @Test(
        "the usage view shows spend per day by provider in each currency, and what was paid against the cheapest fitting offer"
    )
    func usageView() async throws {
        guard let chromium = Self.chromium() else {
            Issue.record(
                "chromium is not installed: run scripts/bootstrap.sh (apt-get install chromium) or set $CHROMIUM")
            return
        }
        let model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
        let h = try await ServeHarness(editRegistry: { text in
            guard let start = text.range(of: "\"base_url\": \"")?.upperBound,
                let end = text[start...].firstIndex(of: "\""),
                let close = text.range(of: "]", options: .backwards)
            else { return text }
            let base = String(text[start..<end])
            let extra = """
                ,{"key": "euro", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
                  "region": {"region": "eu", "countries": ["FR"]}, "timeout": "10s",
                  "pricing": {"source": "static", "catalog": "table", "unit": "eur_per_mtok", "taken": "2026-12-01",
                    "source_url": "https://example.eu/pricing", "models": [{"model": "\(model)", "input": "0.75", "output": "0.70"}]}}
                ,{"key": "ecb", "adapter": "ecb-rates", "base_url": "\(base)", "timeout": "10s"}
                """
            return text.replacingCharacters(in: close.lowerBound..<close.lowerBound, with: extra + "\n")
        })
        // The cheapest (the euro offer), then the registry's first (acme, in dollars, dearer).
        let cheap = try await h.send("POST", "/v1/chat/completions", json: ServeHarness.chat(model))
        #expect(cheap.status == 200)
        let preferred = try await h.send(
            "POST", "/v1/chat/completions", json: ServeHarness.chat(model, extra: ["broker": ["policy": "preferred"]]))
        #expect(preferred.status == 200)
        _ = try await h.send("GET", "/v1/usage")  // flushes the group-committed ledger
        let profile = h.dir.appendingPathComponent("chromium-profile")
        let (code, dom) = try await Self.run(chromium, ["--dump-dom", h.baseURL + "/?view=usage"], profile: profile)
        #expect(code == 0)
        #expect(dom.contains("data-ready=\"1\""), "the page's script did not finish: \(dom.prefix(400))")
        let rows = dom.components(separatedBy: "<tr class=\"usage-row\"").dropFirst()
        #expect(rows.count == 2, "\(dom)")
        let euros = try #require(rows.first { $0.contains("data-provider=\"euro\"") })
        #expect(euros.contains("data-currency=\"EUR\"") && euros.contains("€0.") && euros.contains("≈ $0."))
        let dollars = try #require(rows.first { $0.contains("data-provider=\"acme\"") })
        #expect(dollars.contains("data-currency=\"USD\""))
        let savings = dom.components(separatedBy: "<tr class=\"savings-row\"").dropFirst()
        let acme = try #require(savings.first { $0.contains("data-provider=\"acme\"") })
        let overpaid =
            acme.components(separatedBy: "<td class=\"overpaid\">").dropFirst().first?.prefix { $0 != "<" } ?? ""
        #expect(overpaid.hasPrefix("$0.") && overpaid != "$0", "\(acme)")
        await h.stop()
    }
}
