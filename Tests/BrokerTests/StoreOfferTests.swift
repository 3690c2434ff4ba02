@testable import Broker
import ProviderInterface
import Testing

@Suite("Marketplace store: offers")
struct StoreOfferTests {
    func query(_ configure: (inout MarketQuery) -> Void = { _ in }) -> MarketQuery {
        var q = MarketQuery(nowMs: testNow + 1_000, sort: .model)
        configure(&q)
        return q
    }

    @Test("an offer comes back with every field as stored, refreshed at the replace time", arguments: StoreBackend.all)
    func roundTrip(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        var full = Offer(
            provider: "hf", servedBy: "scaleway", model: "meta-llama/Llama-3.1-8B-Instruct",
            servedModelID: "llama-3.1-8b-instruct", hfID: "meta-llama/Llama-3.1-8B-Instruct", task: .conversational,
            price: tokenPrice("0.2", "0.88"), contextLength: 131_072, supportsTools: true,
            supportsStructuredOutput: false, firstTokenLatencyMs: 250, throughputTokensPerSecond: 90, curated: true,
            priceTaken: "2025-06-01", refreshedAt: 5)
        full.apply(RegionRecord(region: .eu, countries: ["FR", "NL"], declared: [.zdr]))
        let image = Offer(
            provider: "hf", servedBy: "fal-ai", model: "black-forest-labs/FLUX.1-dev", task: .textToImage,
            price: OfferPrice(billing: .image, unit: .amount(PicoUSD(25_000_000_000))), region: .us)
        try await store.replaceOffers(provider: "hf", offers: [full, image], nowMs: testNow)

        let stored = try await store.queryOffers(query())
        var expected = full
        expected.refreshedAt = testNow
        #expect(stored.first { $0.servedBy == "scaleway" } == expected)
        #expect(stored.first { $0.servedBy == "fal-ai" }?.price == image.price)
        #expect(stored.first { $0.servedBy == "scaleway" }?.compliance == [.euResidency, .gdpr, .zdr])
    }

    @Test("replace is all or nothing: a bad offer mid-way keeps every old offer", arguments: StoreBackend.all)
    func replaceAllOrNothing(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let old = (0..<100).map { offer("p", "model-\($0)", price: tokenPrice("1", "2")) }
        try await store.replaceOffers(provider: "p", offers: old, nowMs: testNow)
        let historyBefore = try await store.priceHistory(model: "model-3")

        var new = (0..<100).map { offer("p", "model-\($0)", price: tokenPrice("5", "6")) }
        new[60] = offer("intruder", "model-60")
        await #expect(throws: StoreError.self) {
            try await store.replaceOffers(provider: "p", offers: new, nowMs: testNow + 10)
        }
        #expect(try await store.offerCount(provider: "p") == 100)
        let kept = try await store.queryOffers(query())
        #expect(kept.allSatisfy { $0.price == tokenPrice("1", "2") && $0.refreshedAt == testNow })
        #expect(try await store.priceHistory(model: "model-3") == historyBefore)

        // Negative prices are refused the same way.
        new[60] = offer("p", "model-60", price: OfferPrice(input: .amount(PicoUSD(-1)), output: .amount(.zero)))
        await #expect(throws: StoreError.self) {
            try await store.replaceOffers(provider: "p", offers: new, nowMs: testNow + 10)
        }
        #expect(try await store.offerCount(provider: "p") == 100)
    }

    @Test(
        "replace swaps a provider's offers, leaves other providers alone and stores duplicates once",
        arguments: StoreBackend.all)
    func replaceSwaps(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(provider: "a", offers: [offer("a", "x"), offer("a", "y")], nowMs: testNow)
        try await store.replaceOffers(provider: "b", offers: [offer("b", "x")], nowMs: testNow)
        let outcome = try await store.replaceOffers(
            provider: "a",
            offers: [
                offer("a", "y"), offer("a", "z", price: tokenPrice("9", "9")),
                offer("a", "z", price: tokenPrice("1", "1")),
            ],
            nowMs: testNow + 5)
        #expect(outcome.previousOffers == 2)
        #expect(outcome.offers == 2)
        #expect(outcome.appeared == 1)
        #expect(outcome.removed == 1)
        #expect(outcome.priceChanges == 0)
        let models = try await store.queryOffers(query { $0.providers = ["a"] }).map(\.model)
        #expect(models == ["y", "z"])
        // The first listing of a duplicate wins.
        #expect(try await store.queryOffers(query { $0.modelID = "z" }).first?.price == tokenPrice("9", "9"))
        #expect(try await store.offerCount(provider: "b") == 1)
        #expect(try await store.offerCounts() == ["a": 2, "b": 1])

        try await store.removeProvider("a")
        #expect(try await store.offerCounts() == ["b": 1])
    }

    @Test("region and compliance filters match only offers known to qualify", arguments: StoreBackend.all)
    func regionAndCompliance(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "hf",
            offers: [
                offer("hf", "m", servedBy: "scaleway", region: euFR),
                offer("hf", "m", servedBy: "nscale", region: ukGB),
                offer("hf", "m", servedBy: "together", region: usOnly), offer("hf", "m", servedBy: "novita"),
                offer("hf", "m", servedBy: "local", region: RegionRecord(region: .local)),
            ], nowMs: testNow)
        func servedBy(_ q: MarketQuery) async throws -> Set<String> {
            Set(try await store.queryOffers(q).map(\.servedBy))
        }
        #expect(try await servedBy(query { $0.region = .eu }) == ["scaleway"])
        #expect(try await servedBy(query { $0.region = .uk }) == ["nscale"])
        #expect(try await servedBy(query { $0.compliance = .gdpr }) == ["scaleway", "nscale"])
        #expect(try await servedBy(query { $0.compliance = .euResidency }) == ["scaleway"])
        #expect(try await servedBy(query { $0.compliance = .noEgress }) == ["local"])
        // "gdpr" must not match a longer tag that merely contains it.
        try await store.replaceOffers(
            provider: "odd",
            offers: [offer("odd", "m", region: RegionRecord(region: .us, declared: [ComplianceTag("gdpr-lite")]))],
            nowMs: testNow)
        #expect(try await servedBy(query { $0.compliance = .gdpr }) == ["scaleway", "nscale"])
        #expect(
            try await servedBy(
                query {
                    $0.region = .eu; $0.servedBy = "nscale"
                }) == [])
    }

    @Test("task, provider, served-by and model filters", arguments: StoreBackend.all)
    func otherFilters(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "or",
            offers: [
                offer("or", "meta-llama/llama-3.1-8b-instruct", hfID: "meta-llama/Llama-3.1-8B-Instruct"),
                offer("or", "mistralai/mistral-small", task: .textGeneration),
                offer("or", "BAAI/bge-m3", task: .featureExtraction),
            ], nowMs: testNow)
        try await store.replaceOffers(
            provider: "hf", offers: [offer("hf", "meta-llama/Llama-3.1-8B-Instruct", servedBy: "sambanova")],
            nowMs: testNow)

        #expect(try await store.queryOffers(query { $0.task = .featureExtraction }).map(\.model) == ["BAAI/bge-m3"])
        #expect(try await store.queryOffers(query { $0.providers = ["hf"] }).count == 1)
        #expect(try await store.queryOffers(query { $0.providers = ["hf", "or"] }).count == 4)
        #expect(try await store.queryOffers(query { $0.servedBy = "sambanova" }).map(\.provider) == ["hf"])
        // Case-insensitive substring of the model id or the Hugging Face id.
        #expect(try await store.queryOffers(query { $0.modelText = "LLAMA-3.1" }).count == 2)
        #expect(try await store.queryOffers(query { $0.modelText = "8B-Instruct" }).count == 2)
        #expect(try await store.queryOffers(query { $0.modelText = "bge" }).map(\.model) == ["BAAI/bge-m3"])
        // Exact id: the provider's own id or the canonical one.
        let exact = try await store.queryOffers(query { $0.modelID = "meta-llama/Llama-3.1-8B-Instruct" })
        #expect(Set(exact.map(\.provider)) == ["or", "hf"])
        #expect(try await store.queryOffers(query { $0.modelID = "meta-llama/llama" }).isEmpty)
        #expect(try await store.queryOffers(query { $0.limit = 2 }).count == 2)
    }

    @Test("price sort is cheapest blended first, free before priced, unknown last", arguments: StoreBackend.all)
    func priceSort(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "p",
            offers: [
                offer("p", "unknown", price: .unknown),
                offer("p", "half-known", price: tokenPrice("0.01", nil)),
                // Blended 3:1 — input 1, output 10 → 13; input 3, output 1 → 10.
                offer("p", "cheap-output", price: tokenPrice("1", "10")),
                offer("p", "cheap-blend", price: tokenPrice("3", "1")),
                offer("p", "free", price: .free),
                offer("p", "image", task: .textToImage, price: OfferPrice(billing: .image, unit: .amount(PicoUSD(1)))),
            ], nowMs: testNow)
        let order = try await store.queryOffers(query { $0.sort = .price }).map(\.model)
        #expect(Array(order.prefix(3)) == ["free", "cheap-blend", "cheap-output"])
        #expect(Set(order.suffix(3)) == ["unknown", "half-known", "image"])
    }

    @Test("context sort is longest first with unknown last; model sort is by id", arguments: StoreBackend.all)
    func contextAndModelSort(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "p",
            offers: [
                offer("p", "b", context: 8_192), offer("p", "c"), offer("p", "a", context: 131_072),
                offer("p", "d", context: 32_768),
            ], nowMs: testNow)
        #expect(try await store.queryOffers(query { $0.sort = .context }).map(\.model) == ["a", "d", "b", "c"])
        #expect(try await store.queryOffers(query { $0.sort = .model }).map(\.model) == ["a", "b", "c", "d"])
    }

    @Test("price caps exclude unknown prices, include free ones and are inclusive", arguments: StoreBackend.all)
    func priceCaps(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "p",
            offers: [
                offer("p", "free", price: .free), offer("p", "unknown", price: .unknown),
                offer("p", "at-cap", price: tokenPrice("0.5", "2")),
                offer("p", "over", price: tokenPrice("0.500001", "1")),
                offer("p", "in-only", price: tokenPrice("0.1", nil)),
            ], nowMs: testNow)
        let cap = try #require(PicoUSD(decimal: "0.5", unit: .usdPerMillionTokens))
        #expect(
            try await store.queryOffers(query { $0.maxInputPrice = cap }).map(\.model) == ["at-cap", "free", "in-only"])
        let outCap = try #require(PicoUSD(decimal: "1", unit: .usdPerMillionTokens))
        #expect(try await store.queryOffers(query { $0.maxOutputPrice = outCap }).map(\.model) == ["free", "over"])
        #expect(try await store.queryOffers(query { $0.maxInputPrice = .zero }).map(\.model) == ["free"])
    }

    @Test("offers older than two refresh intervals are stale and left out unless asked", arguments: StoreBackend.all)
    func staleness(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let hour: Int64 = 3_600_000
        try await store.replaceOffers(provider: "slow", offers: [offer("slow", "s")], nowMs: testNow)
        try await store.replaceOffers(provider: "fast", offers: [offer("fast", "f")], nowMs: testNow)

        // 90 minutes later: within two hourly intervals, beyond two 30-minute ones.
        var q = MarketQuery(nowMs: testNow + 90 * 60_000, sort: .model, refreshIntervalsMs: ["fast": hour / 2])
        #expect(try await store.queryOffers(q).map(\.model) == ["s"])
        q.includeStale = true
        let all = try await store.queryOffers(q)
        #expect(all.map(\.model) == ["f", "s"])
        #expect(all.map { q.isStale($0) } == [true, false])

        // Exactly two intervals old is still fresh; one millisecond more is stale.
        var edge = MarketQuery(nowMs: testNow + 2 * hour, sort: .model)
        #expect(try await store.queryOffers(edge).count == 2)
        edge.nowMs += 1
        #expect(try await store.queryOffers(edge).isEmpty)

        // A refresh makes the offers fresh again.
        try await store.replaceOffers(provider: "slow", offers: [offer("slow", "s")], nowMs: testNow + 2 * hour)
        #expect(try await store.queryOffers(edge).map(\.model) == ["s"])
    }

    @Test("the market query is answered from the task/region/price index")
    func queryUsesIndex() async throws {
        let dir = try StoreTempDirectory()
        let store = try MarketplaceStore(path: dir.file())
        let q = MarketQuery(nowMs: testNow, task: .textGeneration, region: .eu, sort: .price, limit: 20)
        let plan = try await store.queryPlan(q).joined(separator: "\n")
        #expect(plan.contains("offers_task_region_price"))
        #expect(!plan.contains("TEMP B-TREE"))
    }
}
