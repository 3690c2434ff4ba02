@testable import Broker
import ProviderInterface
import Testing

@Suite("Marketplace store: several writers and readers")
struct StoreConcurrencyTests {
    @Test("two connections writing at once lose nothing and double nothing", arguments: StoreBackend.all)
    func concurrentWriters(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        // Separate connections on one store lock each other as separate processes do.
        let first = fixture.store
        let second = try fixture.reopen()
        let rounds = 20
        let usagePerWriter = 100

        func writer(_ store: any MarketStore, provider: String) async throws {
            for round in 0..<rounds {
                let offers = (0..<200).map {
                    offer(provider, "model-\($0)", price: tokenPrice("\(round + 1)", "1"))
                }
                try await store.replaceOffers(provider: provider, offers: offers, nowMs: testNow + Int64(round))
                for i in 0..<(usagePerWriter / rounds) {
                    try await store.recordUsage(
                        UsageRecord(
                            requestID: "\(provider)-\(round)-\(i)", at: testNow, provider: "shared", model: "m",
                            task: .conversational, costPicoUSD: 1_000_001, latencyMs: 1))
                }
            }
        }
        async let a: Void = writer(first, provider: "a")
        async let b: Void = writer(second, provider: "b")
        _ = try await (a, b)

        // Either connection sees both writers' complete results.
        #expect(try await first.offerCounts() == ["a": 200, "b": 200])
        let usage = try await second.usage(sinceMs: 0, by: .provider)
        #expect(usage.map(\.requests) == [2 * usagePerWriter])
        #expect(usage.first?.costPicoUSD == Int64(2 * usagePerWriter) * 1_000_001)
        // Every round after the first changed every price once per model.
        let history = try await first.priceHistory(model: "model-7", provider: "a")
        #expect(history.count == rounds)
    }

    @Test("a reader is not blocked by an open write transaction and sees the last commit")
    func readerDuringWrite() async throws {
        let dir = try StoreTempDirectory()
        let store = try MarketplaceStore(path: dir.file())
        try await store.replaceOffers(provider: "p", offers: [offer("p", "m")], nowMs: testNow)

        // Another "process" holds the write lock with uncommitted changes.
        let writer = try SQLiteConnection(path: dir.file(), busyTimeoutMs: 0)
        try writer.execute("BEGIN IMMEDIATE")
        try writer.run("DELETE FROM offers")
        let seen = try await store.queryOffers(MarketQuery(nowMs: testNow))
        #expect(seen.map(\.model) == ["m"])
        try writer.execute("ROLLBACK")
    }

    @Test("a writer waits out another's lock within the busy timeout, and fails cleanly past it")
    func busyTimeout() async throws {
        let dir = try StoreTempDirectory()
        let patient = try MarketplaceStore(path: dir.file(), busyTimeoutMs: 5_000)
        let impatient = try MarketplaceStore(path: dir.file(), busyTimeoutMs: 0)
        let holder = try SQLiteConnection(path: dir.file())
        try holder.execute("BEGIN IMMEDIATE")

        do {
            try await impatient.replaceOffers(provider: "p", offers: [offer("p", "m")], nowMs: testNow)
            Issue.record("a write under another's lock must fail without a busy timeout")
        } catch let error as SQLiteError {
            #expect(error.isBusy)
        }

        async let waited: ReplaceOutcome = patient.replaceOffers(
            provider: "p", offers: [offer("p", "m")], nowMs: testNow)
        try await Task.sleep(for: .milliseconds(50))
        try holder.execute("COMMIT")
        #expect(try await waited.offers == 1)
        #expect(try await impatient.offerCount(provider: "p") == 1)
    }
}
