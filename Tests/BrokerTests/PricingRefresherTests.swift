import Broker
import Foundation
import ProviderInterface
import Synchronization
import Testing

/// A provider whose answers the test sets: no network, no adapters.
final class FakeProvider: ProviderInterface, @unchecked Sendable {
    let key: String
    let state = Mutex<(models: [ModelListing], quotes: [PriceQuote], error: ProviderError?, delayMs: Int)>(
        ([], [], nil, 0))

    init(key: String, models: [ModelListing] = [], quotes: [PriceQuote] = []) {
        self.key = key
        state.withLock { $0 = (models, quotes, nil, 0) }
    }

    func set(models: [ModelListing]? = nil, quotes: [PriceQuote]? = nil, error: ProviderError? = nil, delayMs: Int = 0)
    {
        state.withLock {
            if let models { $0.models = models }
            if let quotes { $0.quotes = quotes }
            $0.error = error
            $0.delayMs = delayMs
        }
    }

    func listModels() async throws(ProviderError) -> ModelCatalog {
        let s = state.withLock { $0 }
        if s.delayMs > 0 { try? await Task.sleep(for: .milliseconds(s.delayMs)) }
        if let error = s.error { throw error }
        return ModelCatalog(models: s.models, skipped: ["mapping status staging": 2])
    }

    func getPricing() async throws(ProviderError) -> [PriceQuote] { state.withLock { $0.quotes } }

    func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        InferenceResponse(output: .text("ok"))
    }
}

@Suite("Pricing refresher")
struct PricingRefresherTests {
    let dir: URL
    init() throws {
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("refresher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func registry() -> Registry {
        Registry(
            path: "test",
            entries: [
                ProviderEntry(
                    key: "agg", adapter: "fake", baseURL: "https://agg.example",
                    servedByRegions: ["scaleway": RegionRecord(region: .eu, countries: ["FR"])], index: 0),
                ProviderEntry(
                    key: "direct", adapter: "fake", baseURL: "https://direct.example",
                    region: RegionRecord(region: .us), index: 1),
            ])
    }

    static func models(_ n: Int, servedBy: String? = nil) -> [ModelListing] {
        (0..<n).map {
            ModelListing(id: "org/model-\($0)", hfID: "org/model-\($0)", servedBy: servedBy, task: .conversational)
        }
    }

    func refresher(
        _ providers: [String: FakeProvider], store: any MarketStore, now: Int64 = 1_000_000, force: Bool = false
    )
        -> PricingRefresher
    {
        PricingRefresher(
            store: store, registry: registry(),
            factory: { entry throws(ProviderError) in
                guard let p = providers[entry.key] else { throw ProviderError(.badInput, message: "no fake") }
                return p
            }, now: { now }, force: force, owner: "test")
    }

    @Test(
        "offers carry the curated region of their served-by provider and exact prices; unknown stays unknown",
        arguments: StoreBackend.all)
    func assemblesOffers(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let agg = FakeProvider(
            key: "agg",
            models: [
                ModelListing(id: "meta/llama", hfID: "meta/llama", servedBy: "scaleway", task: .conversational),
                ModelListing(id: "meta/llama", hfID: "meta/llama", servedBy: "together", task: .conversational),
            ],
            quotes: [
                PriceQuote(
                    model: "meta/llama", servedBy: "scaleway",
                    price: OfferPrice(input: .amount(PicoUSD(150_000)), output: .amount(PicoUSD(1_690_000))),
                    contextLength: 8192)
            ])
        let results = await refresher(
            ["agg": agg, "direct": FakeProvider(key: "direct", models: Self.models(3))], store: store
        )
        .refreshOnce()
        #expect(results.map(\.run.status) == [.ok, .ok])
        #expect(results[0].skipped["mapping status staging"] == 2)
        let offers = try await store.queryOffers(MarketQuery(nowMs: 1_000_000, providers: ["agg"], sort: .price))
        #expect(offers.count == 2)
        let scaleway = try #require(offers.first { $0.servedBy == "scaleway" })
        #expect(scaleway.region == .eu)
        #expect(scaleway.compliance == [.euResidency, .gdpr])
        #expect(scaleway.price.input == .amount(PicoUSD(150_000)))
        #expect(scaleway.contextLength == 8192)
        let together = try #require(offers.first { $0.servedBy == "together" })
        #expect(together.region == .unknown)
        #expect(together.price.state == .unknown)
        let eu = try await store.queryOffers(MarketQuery(nowMs: 1_000_000, region: .eu))
        #expect(eu.map(\.servedBy) == ["scaleway"])
    }

    @Test("a failing provider keeps its last good offers while the others refresh", arguments: StoreBackend.all)
    func failureKeepsLastGood(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let direct = FakeProvider(key: "direct", models: Self.models(4))
        let agg = FakeProvider(key: "agg", models: Self.models(2, servedBy: "scaleway"))
        let r = refresher(["agg": agg, "direct": direct], store: store)
        _ = await r.refreshOnce()
        direct.set(error: ProviderError(.transport, provider: "direct", message: "connection refused"))
        agg.set(models: Self.models(3, servedBy: "scaleway"))
        let second = await r.refreshOnce()
        #expect(second[0].run.status == .ok)
        #expect(second[1].run.status == .failed)
        #expect(second[1].run.error?.contains("connection refused") == true)
        #expect(second[1].run.error?.contains("kept the last 4 offers") == true)
        #expect(try await store.offerCount(provider: "direct") == 4)
        #expect(try await store.offerCount(provider: "agg") == 3)
        let last = try await store.lastRefresh(provider: "direct")
        #expect(last?.status == .failed)
    }

    @Test("an empty or halved catalog is kept out unless forced", arguments: StoreBackend.all)
    func implausibleCatalog(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let direct = FakeProvider(key: "direct", models: Self.models(10))
        _ = await refresher(["direct": direct], store: store).refreshOnce(keys: ["direct"])
        direct.set(models: Self.models(4))
        let shrunk = await refresher(["direct": direct], store: store).refreshOnce(keys: ["direct"])
        #expect(shrunk[0].run.status == .kept)
        #expect(shrunk[0].run.error?.contains("shrank from 10 to 4") == true)
        #expect(try await store.offerCount(provider: "direct") == 10)
        direct.set(models: [])
        let empty = await refresher(["direct": direct], store: store).refreshOnce(keys: ["direct"])
        #expect(empty[0].run.status == .kept)
        #expect(try await store.offerCount(provider: "direct") == 10)
        direct.set(models: Self.models(4))
        let forced = await refresher(["direct": direct], store: store, force: true).refreshOnce(keys: ["direct"])
        #expect(forced[0].run.status == .ok)
        #expect(try await store.offerCount(provider: "direct") == 4)
    }

    @Test("a slow provider does not hold back the others", arguments: StoreBackend.all)
    func concurrency(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let slow = FakeProvider(key: "agg", models: Self.models(1, servedBy: "scaleway"))
        slow.set(delayMs: 400)
        let fast = FakeProvider(key: "direct", models: Self.models(1))
        let order = Mutex<[String]>([])
        let results = await refresher(["agg": slow, "direct": fast], store: store).refreshOnce { result in
            order.withLock { $0.append(result.run.provider) }
        }
        #expect(order.withLock { $0 } == ["direct", "agg"])
        #expect(results.map(\.run.provider) == ["agg", "direct"])  // reported in registry order
    }

    @Test("a price change is kept in the history; an unchanged price is not", arguments: StoreBackend.all)
    func priceHistory(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let price1 = OfferPrice(input: .amount(PicoUSD(100_000)), output: .amount(PicoUSD(200_000)))
        let price2 = OfferPrice(input: .amount(PicoUSD(90_000)), output: .amount(PicoUSD(200_000)))
        let direct = FakeProvider(key: "direct", models: [ModelListing(id: "m", task: .conversational, price: price1)])
        _ = await refresher(["direct": direct], store: store, now: 1_000).refreshOnce(keys: ["direct"])
        _ = await refresher(["direct": direct], store: store, now: 2_000).refreshOnce(keys: ["direct"])
        direct.set(models: [ModelListing(id: "m", task: .conversational, price: price2)])
        _ = await refresher(["direct": direct], store: store, now: 3_000).refreshOnce(keys: ["direct"])
        let history = try await store.priceHistory(model: "m", provider: "direct")
        #expect(history.count == 2)
        #expect(history.last?.oldInput == .amount(PicoUSD(100_000)))
        #expect(history.last?.newInput == .amount(PicoUSD(90_000)))
    }

    @Test("offers older than twice the interval are stale and hidden by default", arguments: StoreBackend.all)
    func staleness(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        _ = await refresher(["direct": FakeProvider(key: "direct", models: Self.models(2))], store: store, now: 0)
            .refreshOnce(keys: ["direct"])
        let later: Int64 = 2 * 3_600_000 + 1
        #expect(try await store.queryOffers(MarketQuery(nowMs: later)).isEmpty)
        let all = try await store.queryOffers(MarketQuery(nowMs: later, includeStale: true))
        #expect(all.count == 2)
    }

    @Test("a static table price overrides the listing; zero means unknown when the registry says so")
    func assemblerRules() {
        var entry = ProviderEntry(key: "t", adapter: "x", baseURL: "https://t.example")
        entry.pricing.zeroIsFree = false
        entry.pricing.table = [
            StaticPrice(model: "a", price: OfferPrice(input: .amount(PicoUSD(5)), output: .amount(PicoUSD(6))))
        ]
        let catalog = ModelCatalog(models: [
            ModelListing(id: "a", task: .conversational, price: .free),
            ModelListing(id: "b", task: .conversational, price: .free),
        ])
        let offers = OfferAssembler.offers(entry: entry, catalog: catalog, quotes: [], nowMs: 1)
        #expect(offers[0].price.input == .amount(PicoUSD(5)))
        #expect(offers[1].price.state == .unknown)
        var local = ProviderEntry(
            key: "l", adapter: "x", baseURL: "http://127.0.0.1:1", region: RegionRecord(region: .local))
        local.pricing.source = .none
        let localOffers = OfferAssembler.offers(
            entry: local, catalog: ModelCatalog(models: [ModelListing(id: "llama3", task: .conversational)]),
            quotes: [], nowMs: 1)
        #expect(localOffers[0].price.state == .free)
        #expect(localOffers[0].compliance == [.local, .noEgress])
    }
}
