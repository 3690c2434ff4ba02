@testable import Broker
import ProviderInterface
import Testing

@Suite("broker store copy: every table, exactly, between backends")
struct StoreCopyTests {
    /// A store holding something in every copied table: offers with a price change and a
    /// pending appearance, refresh runs, compute offers with history, rates, the ledger
    /// (with a `sent` placeholder and a foreign-currency cost) and key spending.
    static func fill(_ store: any MarketStore) async throws {
        var euro = offer("b", "m-eur", price: tokenPrice("1", "2"), region: euFR)
        euro.price.currency = "EUR"
        _ = try await store.replaceOffers(
            provider: "a", offers: [offer("a", "m1", price: tokenPrice("1", "2")), offer("a", "m2", hfID: "org/m2")],
            nowMs: testNow)
        _ = try await store.replaceOffers(
            provider: "a", offers: [offer("a", "m1", price: tokenPrice("3", "2")), offer("a", "m2", hfID: "org/m2")],
            nowMs: testNow + 1)
        _ = try await store.replaceOffers(
            provider: "b", offers: [euro, offer("b", "m2", hfID: "org/m2", price: tokenPrice(nil, "1"))],
            nowMs: testNow + 2)
        try await store.recordRefresh(
            RefreshRun(provider: "a", status: .ok, models: 2, offers: 2, durationMs: 5, error: nil, startedAt: testNow))
        try await store.recordRefresh(
            RefreshRun(
                provider: "b", status: .failed, models: 0, offers: 0, durationMs: 1, error: "boom",
                startedAt: testNow + 3))
        _ = try await store.replaceComputeOffers(
            source: "s", offers: [gpuOffer("x"), gpuOffer("y", price: nil)], version: "v1", nowMs: testNow)
        _ = try await store.replaceComputeOffers(
            source: "s", offers: [gpuOffer("x", price: 1), gpuOffer("y", price: nil)], version: "v2", nowMs: testNow + 1
        )
        try await store.storeExchangeRates(
            ExchangeRates(date: "2026-07-09", perEuro: ["USD": "1.1435", "GBP": "0.85"]), nowMs: testNow)
        var foreign = UsageRecord(
            requestID: "r2", at: testNow + 5, provider: "b", model: "m-eur", task: .conversational, inputTokens: 3,
            outputTokens: 4, costPicoUSD: 9_007_199_254_740_993, latencyMs: 10, firstTokenMs: 2)
        foreign.currency = "EUR"
        foreign.costPico = 8_000_000_000_000_001
        try await store.recordUsage(
            batch: [
                UsageRecord(
                    requestID: "r1", at: testNow + 4, provider: "a", model: "m1", task: .conversational, costPicoUSD: 7,
                    latencyMs: 3),
                UsageRecord(
                    requestID: "r1", attempt: 1, at: testNow + 4, provider: "a", model: "m2", task: .conversational,
                    latencyMs: 3, outcome: "error", httpStatus: 502, error: "bad gateway"),
                UsageRecord(
                    requestID: "r3", at: testNow + 6, provider: "a", model: "m1", task: .conversational, latencyMs: 0,
                    outcome: UsageRecord.sentOutcome),
                foreign,
            ], charges: ["team": 9_223_372_036_854_775_000])
    }

    @Test(
        "SQLite → PostgreSQL → SQLite keeps every row of every table, value for value and in order",
        arguments: StoreBackend.all)
    func roundTrip(_ middle: StoreBackend) async throws {
        let first = try TestStore(.sqlite)
        try await Self.fill(first.store)
        let via = try TestStore(middle)
        let last = try TestStore(.sqlite)
        let source = try #require(first.store as? any CopyableStore)
        let between = try #require(via.store as? any CopyableStore)
        let target = try #require(last.store as? any CopyableStore)
        let copied = try await StoreCopy.copy(from: source, to: between)
        #expect(
            copied["offers"] == 4 && copied["usage"] == 4 && copied["price_history"] == 2
                && copied["compute_price_history"] == 1)
        try await StoreCopy.copy(from: between, to: target)
        for table in StoreTable.all {
            let before = try await source.exportRows(table)
            #expect(try await target.exportRows(table) == before, "\(table.name)")
            #expect(!before.isEmpty, "\(table.name) was filled")
        }
        // The copy answers as the original: market order, history, ledger sums, compute order.
        let query = MarketQuery(nowMs: testNow + 10, includeStale: true)
        #expect(try await via.store.queryOffers(query) == first.store.queryOffers(query))
        #expect(try await via.store.priceHistory(model: "m1") == first.store.priceHistory(model: "m1"))
        #expect(try await via.store.usage(sinceMs: 0, by: .provider) == first.store.usage(sinceMs: 0, by: .provider))
        #expect(try await via.store.keySpending() == ["team": 9_223_372_036_854_775_000])
        let compute = ComputeQuery(nowMs: testNow + 10)
        #expect(try await via.store.queryComputeOffers(compute) == first.store.queryComputeOffers(compute))
    }

    @Test("a copy into a store that holds data writes nothing and says which table", arguments: StoreBackend.all)
    func refusesAFullTarget(_ backend: StoreBackend) async throws {
        let source = try TestStore(.sqlite)
        try await Self.fill(source.store)
        let target = try TestStore(backend)
        try await target.store.recordUsage(
            UsageRecord(requestID: "mine", at: testNow, provider: "p", model: "m", task: .conversational, latencyMs: 1))
        do {
            try await StoreCopy.copy(
                from: try #require(source.store as? any CopyableStore),
                to: try #require(target.store as? any CopyableStore))
            Issue.record("a copy must not merge into a store that holds data")
        } catch let error as StoreError {
            #expect(error.code == .notEmpty && error.context.contains("usage"), "\(error)")
        }
        #expect(try await target.store.offerCount(provider: "a") == 0)
        #expect(try await target.store.usageTotal(sinceMs: 0).first?.attempts == 1)
    }
}
