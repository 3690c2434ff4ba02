@testable import Broker
import ProviderInterface
import Testing

@Suite("Marketplace store: usage ledger")
struct StoreUsageTests {
    func record(
        _ id: String, attempt: Int = 0, at: Int64 = testNow, provider: String = "p", model: String = "m",
        input: Int64? = 10, output: Int64? = 20, cost: Int64?, latency: Int64 = 100, firstToken: Int64? = nil,
        outcome: String = "ok"
    ) -> UsageRecord {
        UsageRecord(
            requestID: id, attempt: attempt, at: at, provider: provider, model: model, task: .conversational,
            inputTokens: input, outputTokens: output, costPicoUSD: cost, latencyMs: latency, firstTokenMs: firstToken,
            outcome: outcome, httpStatus: outcome == "ok" ? 200 : 503)
    }

    @Test("costs are summed exactly where floating point would drift", arguments: StoreBackend.all)
    func exactSums(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        // 2^53 + 1 pico-USD cannot be held by a Double; neither can the sum of three.
        let big: Int64 = 9_007_199_254_740_993
        for i in 0..<3 { try await store.recordUsage(record("r\(i)", cost: big)) }
        // Ten costs of 0.1 nano-USD: 0.1 + 0.1 + … is not 1.0 in binary floating point.
        for i in 0..<10 { try await store.recordUsage(record("s\(i)", provider: "q", cost: 100)) }

        let rows = try await store.usage(sinceMs: 0, by: .provider)
        #expect(rows.map(\.key) == ["p", "q"])
        #expect(rows[0].costPicoUSD == 27_021_597_764_222_979)
        #expect(rows[0].costNanoUSD == 27_021_597_764_223)
        #expect(rows[1].costPicoUSD == 1_000)
        #expect(rows[1].costNanoUSD == 1)
        #expect(rows[0].requests == 3 && rows[0].inputTokens == 30 && rows[0].outputTokens == 60)
    }

    @Test("a server's ledger keeps a small page cache however many attempts it records")
    func ledgerPageCacheStaysSmall() async throws {
        let dir = try StoreTempDirectory()
        let store = try MarketplaceStore(path: dir.file())
        // 100,000 attempts over 200 offers: about 23 MiB of table and index pages, all written
        // through the one connection a server keeps open for days.
        for batch in 0..<200 {
            let records = (0..<500).map { i in
                let n = batch * 500 + i
                return record(
                    "req-\(n)-0123456789abcdef", at: testNow + Int64(n), provider: "provider-\(n % 20)",
                    model: "org/model-\(n % 10)", cost: Int64(n))
            }
            #expect(try await store.recordUsage(batch: records) == 500)
        }
        let limit = SQLiteConnection.defaultPageCacheKiB * 1024
        let used = await store.pageCacheBytes
        #expect(used <= limit + limit / 8, "page cache holds \(used) bytes")
        let rows = try await store.usage(sinceMs: 0, by: .provider)
        #expect(rows.map(\.requests).reduce(0, +) == 100_000)
    }

    @Test("a catalog replacement gives its big page cache back when it is done")
    func replacementReturnsItsPageCache() async throws {
        let dir = try StoreTempDirectory()
        let store = try MarketplaceStore(path: dir.file())
        // 60,000 offers with long names: about 16 MiB of table and index pages, twice the default cache.
        let offers = (0..<60_000).map { i in
            offer(
                "p", "an-organisation-with-a-long-name/a-model-with-a-long-name-too-\(i)", servedBy: "host-\(i % 7)",
                region: i % 2 == 0 ? euFR : usOnly, context: 8_192)
        }
        let outcome = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow)
        #expect(outcome.inserted == 60_000)
        let limit = SQLiteConnection.defaultPageCacheKiB * 1024
        let used = await store.pageCacheBytes
        #expect(used <= limit + limit / 8, "page cache holds \(used) bytes")
    }

    @Test("nano-USD is rounded half up from the exact pico-USD total")
    func nanoRounding() {
        func nano(_ pico: Int64?) -> Int64? {
            UsageRow(key: "k", requests: 1, attempts: 1, errors: 0, inputTokens: 0, outputTokens: 0, costPicoUSD: pico)
                .costNanoUSD
        }
        #expect(nano(1_500) == 2)
        #expect(nano(1_499) == 1)
        #expect(nano(500) == 1)
        #expect(nano(499) == 0)
        #expect(nano(0) == 0)
        #expect(nano(nil) == nil)
    }

    @Test(
        "unpriced attempts make no cost; errors are counted; a repeated record is stored once",
        arguments: StoreBackend.all)
    func unpricedAndErrors(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.recordUsage(record("u1", provider: "free-text", cost: nil))
        try await store.recordUsage(record("a", attempt: 0, cost: nil, outcome: "timeout"))
        try await store.recordUsage(record("a", attempt: 1, cost: 1_234))
        #expect(try await store.recordUsage(record("a", attempt: 1, cost: 1_234)) == false)

        let rows = try await store.usage(sinceMs: 0, by: .provider)
        let unpriced = try #require(rows.first { $0.key == "free-text" })
        #expect(unpriced.costPicoUSD == nil && unpriced.costNanoUSD == nil)
        let p = try #require(rows.first { $0.key == "p" })
        // Request "a" failed over once: 1 request, 2 attempts, 1 error, billed once.
        #expect(p.requests == 1)
        #expect(p.attempts == 2)
        #expect(p.errors == 1)
        #expect(p.costPicoUSD == 1_234)
        #expect(p.costNanoUSD == 1)
        // The total counts each request once: "u1" and "a".
        let total = try #require(try await store.usageTotal(sinceMs: 0).first)
        #expect(total.key == "total")
        #expect((total.requests, total.attempts, total.errors) == (2, 3, 1))
        #expect(try await store.usageTotal(sinceMs: Int64.max).isEmpty)
    }

    @Test("usage groups by model and by UTC day, from the given time on", arguments: StoreBackend.all)
    func grouping(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let day: Int64 = 86_400_000
        // 2025-06-15T23:59:59.999Z and 2025-06-16T00:00:00Z.
        let midnight: Int64 = 1_750_032_000_000
        try await store.recordUsage(record("1", at: midnight - 1, model: "a", cost: 1))
        try await store.recordUsage(record("2", at: midnight, model: "b", cost: 2))
        try await store.recordUsage(record("3", at: midnight + day, model: "a", cost: 4))
        try await store.recordUsage(record("old", at: midnight - 10 * day, model: "a", cost: 8))

        let days = try await store.usage(sinceMs: midnight - day, by: .day)
        #expect(days.map(\.key) == ["2025-06-15", "2025-06-16", "2025-06-17"])
        #expect(days.map(\.costPicoUSD) == [1, 2, 4])
        let models = try await store.usage(sinceMs: midnight - day, by: .model)
        #expect(models.map(\.key) == ["a", "b"])
        #expect(models.map(\.costPicoUSD) == [5, 2])
        #expect(try await store.usage(sinceMs: 0, by: .model).first?.costPicoUSD == 13)
    }

    @Test(
        "usage by served_by counts who answered: an aggregator's named upstream, else the offer's served_by",
        arguments: StoreBackend.all)
    func groupingByServedBy(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        // Two answers of OpenRouter's own offer, one from each upstream it picked; a pinned one; a failure.
        var picked = record("a", provider: "or", cost: 10)
        picked.servedBy = "openrouter"
        picked.upstream = "deepinfra"
        var other = record("b", provider: "or", cost: 20)
        other.servedBy = "openrouter"
        other.upstream = "together"
        var pinned = record("c", provider: "or", cost: 40)
        pinned.servedBy = "together"
        var failed = record("d", provider: "or", cost: nil, outcome: "timeout")
        failed.servedBy = "openrouter"
        for r in [picked, other, pinned, failed] { try await store.recordUsage(r) }

        let rows = try await store.usage(sinceMs: 0, by: .servedBy)
        #expect(rows.map(\.key) == ["deepinfra", "openrouter", "together"])
        #expect(rows.map(\.requests) == [1, 1, 2])
        #expect(rows.map(\.costPicoUSD) == [10, nil, 60])
        // The offer's own figures (the breaker's and the measured latency's) still count every answer.
        #expect(try await store.usage(sinceMs: 0, by: .provider).map(\.requests) == [4])
        #expect(try await store.measuredLatency(provider: "or", servedBy: "openrouter", model: "m")?.samples == 2)
    }

    @Test("measured latency comes from successful attempts of that offer only", arguments: StoreBackend.all)
    func measuredLatency(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        #expect(try await store.measuredLatency(provider: "p", servedBy: "p", model: "m") == nil)
        // Streamed: 100 tokens in (1100 - 100) ms = 100 tokens/s, and so on.
        try await store.recordUsage(record("1", output: 100, cost: 1, latency: 1_100, firstToken: 100))
        try await store.recordUsage(record("2", output: 100, cost: 1, latency: 600, firstToken: 100))
        try await store.recordUsage(record("3", output: 100, cost: 1, latency: 2_100, firstToken: 100))
        try await store.recordUsage(record("4", cost: nil, latency: 30_000, outcome: "timeout"))
        try await store.recordUsage(record("5", model: "other", cost: 1, latency: 5))

        let m = try #require(try await store.measuredLatency(provider: "p", servedBy: "p", model: "m"))
        #expect(m.samples == 3)
        #expect(m.medianLatencyMs == 1_100)
        #expect(m.averageLatencyMs == 1_266)
        #expect(m.medianFirstTokenMs == 100)
        #expect(m.medianOutputTokensPerSecond == 100)
    }

    @Test(
        "the market's measured figures are true medians of each offer's latest attempts, as for one offer",
        arguments: StoreBackend.all)
    func measuredFiguresForAll(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        // One slow outlier: the median stays 200 where the mean would say 2,133.
        for (i, latency) in [200, 150, 6_000, 250, 100, 300].enumerated() {
            try await store.recordUsage(record("a\(i)", at: testNow + Int64(i), cost: 1, latency: Int64(latency)))
        }
        // Only the latest 100 attempts count: 100 fast ones after 50 slow ones.
        for i in 0..<150 {
            try await store.recordUsage(
                record("b\(i)", at: testNow + Int64(i), model: "n", cost: 1, latency: i < 50 ? 9_000 : 40))
        }
        let all = try await store.measuredFigures()
        #expect(all.count == 2)
        let m = try #require(all[OfferKey(provider: "p", servedBy: "p", model: "m")])
        #expect(m.medianLatencyMs == 200)
        #expect(m.samples == 6)
        #expect(m == (try await store.measuredLatency(provider: "p", servedBy: "p", model: "m")))
        let n = try #require(all[OfferKey(provider: "p", servedBy: "p", model: "n")])
        #expect(n.samples == 100)
        #expect(n.medianLatencyMs == 40)
        #expect(n == (try await store.measuredLatency(provider: "p", servedBy: "p", model: "n")))
    }
}

@Suite("Marketplace store: routing's market snapshot")
struct MarketSnapshotTests {
    func record(_ id: String, at: Int64, servedBy: String, outcome: String = "ok", latency: Int64 = 100) -> UsageRecord
    {
        UsageRecord(
            requestID: id, attempt: 0, at: at, provider: "p", servedBy: servedBy, model: "m", task: .conversational,
            inputTokens: 10, outputTokens: 20, costPicoUSD: 1, latencyMs: latency, outcome: outcome,
            httpStatus: outcome == "ok" ? 200 : 503)
    }

    @Test(
        "one call gives a model's offers with each one's measured figures and latest attempts, as the per-offer reads give them",
        arguments: StoreBackend.all)
    func snapshotMatchesPerOfferReads(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        _ = try await store.replaceOffers(
            provider: "p",
            offers: [offer("p", "m", servedBy: "a"), offer("p", "m", servedBy: "b"), offer("p", "other")],
            nowMs: testNow)
        try await store.recordUsage(record("1", at: testNow + 1, servedBy: "a", latency: 300))
        try await store.recordUsage(record("2", at: testNow + 2, servedBy: "a", outcome: "timeout"))
        try await store.recordUsage(record("3", at: testNow + 3, servedBy: "a", outcome: "server_error"))
        try await store.recordUsage(record("4", at: testNow + 4, servedBy: "b", latency: 50))

        let query = MarketQuery(nowMs: testNow, modelID: "m", sort: .model, includeStale: true)
        let snapshot = try await store.marketSnapshot(query, attemptWindow: 2)
        #expect(snapshot.offers.map(\.servedBy) == ["a", "b"])
        let a = OfferKey(provider: "p", servedBy: "a", model: "m")
        let b = OfferKey(provider: "p", servedBy: "b", model: "m")
        #expect(snapshot.measured[a]?.medianLatencyMs == 300 && snapshot.measured[b]?.medianLatencyMs == 50)
        #expect(snapshot.measured[a] == (try await store.measuredLatency(provider: "p", servedBy: "a", model: "m")))
        // Newest first, as many as the breaker needs.
        #expect(snapshot.recentAttempts[a]?.map(\.at) == [testNow + 3, testNow + 2])
        #expect(snapshot.recentAttempts[a]?.map(\.ok) == [false, false])
        #expect(snapshot.recentAttempts[b]?.map(\.ok) == [true])
        #expect(snapshot.rates == nil)
    }

    @Test(
        "a ledger that cannot be read fails the snapshot, rather than every offer looking unmeasured and closed",
        arguments: StoreBackend.all)
    func unreadableLedgerFails(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        _ = try await store.replaceOffers(provider: "p", offers: [offer("p", "m")], nowMs: testNow)
        try fixture.lose("usage")
        let query = MarketQuery(nowMs: testNow, modelID: "m", sort: .model, includeStale: true)
        do {
            _ = try await store.marketSnapshot(query, attemptWindow: 3)
            Issue.record("a snapshot over a ledger that cannot be read must fail")
        } catch let error as any StoreBackendError {
            #expect(error.store == store.path && !error.isTemporary, "\(error)")
        }
    }
}
