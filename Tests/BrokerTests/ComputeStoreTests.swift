@testable import Broker
import ProviderInterface
import Synchronization
import Testing

/// A compute source whose catalog the test sets.
final class FakeComputeSource: ProviderInterface, @unchecked Sendable {
    let key: String
    let state = Mutex<(catalog: ComputeCatalog, error: ProviderError?, requests: [ComputeCatalogRequest])>(
        (ComputeCatalog(offers: []), nil, []))

    init(key: String) { self.key = key }

    func set(_ catalog: ComputeCatalog, error: ProviderError? = nil) {
        state.withLock {
            $0.catalog = catalog; $0.error = error
        }
    }

    var catalogKind: CatalogKind { .compute }

    func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog {
        let (catalog, error) = state.withLock { s in
            s.requests.append(request)
            return (s.catalog, s.error)
        }
        if let error { throw error }
        if let version = catalog.version, version == request.knownVersion {
            return ComputeCatalog(offers: [], version: version, unchanged: true)
        }
        return catalog
    }

    func listModels() async throws(ProviderError) -> ModelCatalog { ModelCatalog(models: []) }
    func getPricing() async throws(ProviderError) -> [PriceQuote] { [] }
    func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        InferenceResponse(output: .text(""))
    }
}

func gpuOffer(
    _ id: String, model: String = "H100-SXM", count: Int = 8, price: Int64? = 20_000_000_000_000,
    currency: String = "USD",
    region: RegionRecord = RegionRecord(region: .us, countries: ["US"]), memory: Int? = 80
) -> ComputeOffer {
    ComputeOffer(
        provider: "aws", kind: .vm, offerID: id, instanceType: "p5.48xlarge", gpuModel: model, gpuModelRaw: model,
        gpuCount: count,
        gpuMemoryGiB: memory, location: "us-east-1", region: region, currency: currency, pricePerHour: price)
}

@Suite("compute offers in the store and the refresher")
struct ComputeStoreTests {
    func refresher(_ store: any MarketStore, _ source: FakeComputeSource, now: Int64 = testNow, force: Bool = false)
        -> PricingRefresher
    {
        let registry = Registry(
            path: "test", entries: [ProviderEntry(key: source.key, adapter: "fake", baseURL: "http://127.0.0.1")])
        return PricingRefresher(
            store: store, registry: registry, factory: { _ in source }, now: { now }, force: force,
            owner: "pid-\(1)-test")
    }

    @Test(
        "a replace stores each offer id once, records price changes in the history, and rolls back whole on a bad offer",
        arguments: StoreBackend.all)
    func replace(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let first = try await store.replaceComputeOffers(
            source: "s", offers: [gpuOffer("a"), gpuOffer("a", price: 1), gpuOffer("b", price: nil)], version: "v1",
            nowMs: testNow)
        #expect(first.offers == 2 && first.appeared == 2)
        let stored = try await store.queryComputeOffers(ComputeQuery(nowMs: testNow))
        #expect(stored.map(\.offer.offerID) == ["a", "b"])  // priced first, unknown last
        #expect(stored[0].pricePerGPUHour == 2_500_000_000_000)
        #expect(stored[1].offer.pricePerHour == nil)
        let second = try await store.replaceComputeOffers(
            source: "s", offers: [gpuOffer("a", price: 21_000_000_000_000), gpuOffer("c")], version: "v2",
            nowMs: testNow + 1)
        #expect(second.priceChanges == 1 && second.appeared == 1 && second.removed == 1)
        let history = try await store.computePriceHistory(source: "s", offerID: "a")
        #expect(history.count == 1 && history[0].old == 20_000_000_000_000 && history[0].new == 21_000_000_000_000)
        await #expect(throws: StoreError.self) {
            try await store.replaceComputeOffers(
                source: "s", offers: [gpuOffer("x"), gpuOffer("y", price: -1)], version: "v3", nowMs: testNow + 2)
        }
        #expect(
            try await store.queryComputeOffers(ComputeQuery(nowMs: testNow)).map(\.offer.offerID).sorted() == [
                "a", "c",
            ])
        #expect(try await store.computeCatalogVersion(source: "s") == "v2")
    }

    @Test(
        "a refresh that moves prices, alone or with other fields, stores the new values, re-sorts by them and records each change",
        arguments: StoreBackend.all)
    func priceMoves(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceComputeOffers(
            source: "s",
            offers: [
                gpuOffer("a"), gpuOffer("b", price: 25_000_000_000_000), gpuOffer("c", price: 22_000_000_000_000),
                gpuOffer("d"),
            ],
            version: "v1", nowMs: testNow)
        // a: the price alone; b: the price, the GPU count and the memory; c: nothing; d: the price becomes unknown.
        let moved = try await store.replaceComputeOffers(
            source: "s",
            offers: [
                gpuOffer("a", price: 30_000_000_000_000),
                gpuOffer("b", count: 4, price: 10_000_000_000_000, memory: 94),
                gpuOffer("c", price: 22_000_000_000_000), gpuOffer("d", price: nil),
            ],
            version: "v2", nowMs: testNow + 1)
        #expect(moved.priceChanges == 3 && moved.rewritten == 3 && moved.appeared == 0 && moved.removed == 0)
        let stored = try await store.queryComputeOffers(ComputeQuery(nowMs: testNow))
        #expect(stored.map(\.offer.offerID) == ["b", "c", "a", "d"])
        #expect(
            stored[0].offer.gpuCount == 4 && stored[0].offer.gpuMemoryGiB == 94
                && stored[0].pricePerGPUHour == 2_500_000_000_000)
        #expect(stored[2].offer.pricePerHour == 30_000_000_000_000 && stored[2].pricePerGPUHour == 3_750_000_000_000)
        #expect(stored[3].offer.pricePerHour == nil && stored[3].pricePerGPUHour == nil)
        let perGPU = try await store.queryComputeOffers(ComputeQuery(nowMs: testNow, sort: .pricePerGPU))
        #expect(perGPU.map(\.offer.offerID) == ["b", "c", "a", "d"])
        for (id, old, new) in [
            ("a", 20_000_000_000_000, 30_000_000_000_000), ("b", 25_000_000_000_000, 10_000_000_000_000),
        ] as [(String, Int64, Int64)] {
            let history = try await store.computePriceHistory(source: "s", offerID: id)
            #expect(
                history.count == 1 && history[0].old == old && history[0].new == new && history[0].at == testNow + 1)
        }
        let unknown = try await store.computePriceHistory(source: "s", offerID: "d")
        #expect(unknown.count == 1 && unknown[0].old == 20_000_000_000_000 && unknown[0].new == nil)
        #expect(try await store.computePriceHistory(source: "s", offerID: "c").isEmpty)
        // The same catalog again changes nothing.
        let again = try await store.replaceComputeOffers(
            source: "s",
            offers: [
                gpuOffer("a", price: 30_000_000_000_000),
                gpuOffer("b", count: 4, price: 10_000_000_000_000, memory: 94),
                gpuOffer("c", price: 22_000_000_000_000), gpuOffer("d", price: nil),
            ],
            version: "v3", nowMs: testNow + 2)
        #expect(again.priceChanges == 0 && again.rewritten == 0)
    }

    @Test(
        "the refresher keeps the last good offers on a failure, a collapse, or an outdated catalog, and confirms an unchanged version",
        arguments: StoreBackend.all)
    func refresherRules(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let source = FakeComputeSource(key: "gpu")
        let offers = (0..<10).map { gpuOffer("o\($0)") }
        source.set(ComputeCatalog(offers: offers, version: "20260101-1"))
        let ok = await refresher(store, source).refresh(
            ProviderEntry(key: "gpu", adapter: "fake", baseURL: "http://127.0.0.1"))
        #expect(ok.run.status == .ok && ok.run.offers == 10 && ok.run.models == 1)
        // Same version: the source is asked with it, answers unchanged, and the offers are confirmed at the new time.
        let later = testNow + 3_000_000
        let same = await refresher(store, source, now: later).refresh(
            ProviderEntry(key: "gpu", adapter: "fake", baseURL: "http://127.0.0.1"))
        #expect(same.run.status == .ok && same.run.offers == 10)
        #expect(source.state.withLock { $0.requests.last?.knownVersion } == "20260101-1")
        #expect(try await store.queryComputeOffers(ComputeQuery(nowMs: later)).first?.refreshedAt == later)
        // A failure keeps them.
        source.set(ComputeCatalog(offers: []), error: ProviderError(.transport, provider: "gpu", message: "down"))
        let failed = await refresher(store, source).refresh(
            ProviderEntry(key: "gpu", adapter: "fake", baseURL: "http://127.0.0.1"))
        let failure = failed.run.error ?? ""
        #expect(failed.run.status == .failed)
        #expect(failure.contains("kept the last 10"), "\(failure)")
        // Shrinking by more than half is implausible.
        source.set(ComputeCatalog(offers: Array(offers.prefix(3)), version: "20260102-1"))
        let shrunk = await refresher(store, source).refresh(
            ProviderEntry(key: "gpu", adapter: "fake", baseURL: "http://127.0.0.1"))
        #expect(shrunk.run.status == .kept)
        // Published too long ago: refused, offers kept (and they go stale).
        source.set(
            ComputeCatalog(
                offers: offers, version: "20260103-1", publishedAtMs: testNow - 5 * 86_400_000, maxAgeMs: 2 * 86_400_000
            ))
        let outdated = await refresher(store, source).refresh(
            ProviderEntry(key: "gpu", adapter: "fake", baseURL: "http://127.0.0.1"))
        let outdatedError = outdated.run.error ?? ""
        #expect(outdated.run.status == .kept)
        #expect(outdatedError.contains("5 days ago"), "\(outdatedError)")
        #expect(try await store.computeCatalogVersion(source: "gpu") == "20260101-1")
        // Stale after two intervals: hidden unless asked.
        let muchLater = later + 2 * 3_600_000 + 1
        #expect(try await store.queryComputeOffers(ComputeQuery(nowMs: muchLater)).isEmpty)
        let stale = try await store.queryComputeOffers(ComputeQuery(nowMs: muchLater, includeStale: true))
        #expect(stale.count == 10 && ComputeQuery(nowMs: muchLater).isStale(stale[0]))
    }

    @Test(
        "queries: variants, memory, region never matching unknown, caps and order across currencies with the stored rate",
        arguments: StoreBackend.all)
    func queries(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceComputeOffers(
            source: "s",
            offers: [
                gpuOffer("sxm", model: "H100-SXM", count: 8, price: 24_000_000_000_000),
                gpuOffer("nvl", model: "H100-NVL", count: 1, price: 2_600_000_000_000, memory: 94),
                gpuOffer("h1000", model: "H1000", count: 1, price: 1_000_000_000_000),
                gpuOffer(
                    "eur", model: "H100-PCIE", count: 1, price: 2_000_000_000_000, currency: "EUR",
                    region: RegionRecord(region: .eu, countries: ["FR"])),
                gpuOffer("unknown", model: "H100", count: 1, price: 1_500_000_000_000, region: .unknown),
            ], version: nil, nowMs: testNow)
        func ids(_ query: ComputeQuery) async throws -> [String] {
            try await store.queryComputeOffers(query).map(\.offer.offerID)
        }
        #expect(Set(try await ids(ComputeQuery(nowMs: testNow, gpu: "h100"))) == ["sxm", "nvl", "eur", "unknown"])
        #expect(try await ids(ComputeQuery(nowMs: testNow, minGPUMemoryGiB: 90)) == ["nvl"])
        #expect(try await ids(ComputeQuery(nowMs: testNow, region: .eu)) == ["eur"])
        #expect(try await ids(ComputeQuery(nowMs: testNow, compliance: .gdpr)) == ["eur"])
        #expect(try await ids(ComputeQuery(nowMs: testNow, minGPUs: 2)) == ["sxm"])
        // No rate: EUR sorts last and never passes a USD cap.
        #expect(try await ids(ComputeQuery(nowMs: testNow)) == ["h1000", "unknown", "nvl", "sxm", "eur"])
        #expect(!(try await ids(ComputeQuery(nowMs: testNow, maxHourly: 3_000_000_000_000))).contains("eur"))
        try await store.storeExchangeRates(
            ExchangeRates(date: "2026-07-09", perEuro: ["USD": "1.1435"]), nowMs: testNow)
        // €2 = $2.287: between 1.5 and 2.6.
        #expect(try await ids(ComputeQuery(nowMs: testNow)) == ["h1000", "unknown", "eur", "nvl", "sxm"])
        #expect(try await ids(ComputeQuery(nowMs: testNow, maxHourly: 2_287_000_000_000)).contains("eur"))
        #expect(!(try await ids(ComputeQuery(nowMs: testNow, maxHourly: 2_286_999_999_999))).contains("eur"))
        // In EUR: a $1 offer is €0.8745…; the cap is exact on the converted side.
        #expect(try await ids(ComputeQuery(nowMs: testNow, maxHourly: 874_508_089_200, currency: "EUR")) == ["h1000"])
        // Per-GPU order: 24/8 = 3 per GPU for the SXM.
        #expect(
            try await ids(ComputeQuery(nowMs: testNow, sort: .pricePerGPU)).prefix(4) == [
                "h1000", "unknown", "eur", "nvl",
            ])
        #expect(try await ids(ComputeQuery(nowMs: testNow, sort: .gpuMemory)).first == "nvl")
        // An older day's rates do not replace a newer day's.
        try await store.storeExchangeRates(ExchangeRates(date: "2026-07-08", perEuro: ["USD": "1.2"]), nowMs: testNow)
        #expect(try await store.exchangeRates()?.date == "2026-07-09")
        // Every part of a filtered, ordered query reads through an index, never a full scan (SQLite's plan).
        if let sqlite = store as? MarketplaceStore {
            let plan = try await sqlite.computeQueryPlan(
                ComputeQuery(nowMs: testNow, gpu: "H100", region: .eu, limit: 20))
            #expect(
                !plan.isEmpty && plan.allSatisfy { !$0.hasPrefix("SCAN compute_offers") || $0.contains("INDEX") },
                "\(plan)")
        }
        // An unchanged offer is not rewritten; a changed one is, alone.
        let offers = try await store.queryComputeOffers(ComputeQuery(nowMs: testNow)).map(\.offer)
        var moved = offers
        moved[0].availability = .low
        let outcome = try await store.replaceComputeOffers(source: "s", offers: moved, version: nil, nowMs: testNow + 1)
        #expect(outcome.inserted == 0 && outcome.rewritten == 1 && outcome.removed == 0 && outcome.priceChanges == 0)
    }

    @Test("a price cap as large as a price can be, through a rate of exactly 1, is the whole range rather than a crash")
    func capAtTheLargestPrice() {
        let parity = CurrencyConverter(rates: ExchangeRates(date: "2026-07-09", perEuro: ["USD": "1"]))
        #expect(ComputeQuerySQL.cap(Int64.max, in: "EUR", target: "USD", converter: parity) == Int64.max)
        let euro = CurrencyConverter(rates: ExchangeRates(date: "2026-07-09", perEuro: ["USD": "1.1435"]))
        #expect(ComputeQuerySQL.cap(2_287_000_000_000, in: "EUR", target: "USD", converter: euro) == 2_000_000_000_000)
    }
}
