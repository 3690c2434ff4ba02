@testable import Broker
import ProviderInterface
import Testing

@Suite("Marketplace store: price history and refresh runs")
struct StoreHistoryTests {
    @Test("price history records an appearance and a change, never a non-change", arguments: StoreBackend.all)
    func priceHistory(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let cheap = tokenPrice("0.2", "0.6")
        try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", price: cheap), offer("p", "n")], nowMs: 1)
        // Same prices again: nothing new.
        let same = try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", price: cheap), offer("p", "n")], nowMs: 2)
        #expect(same.priceChanges == 0 && same.appeared == 0)
        // The output price moves.
        let dearer = tokenPrice("0.2", "0.8")
        let moved = try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", price: dearer), offer("p", "n")], nowMs: 3)
        #expect(moved.priceChanges == 1)
        // Becoming unknown is a change too.
        try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", price: .unknown), offer("p", "n")], nowMs: 4)

        let history = try await store.priceHistory(model: "m")
        #expect(history.map(\.at) == [1, 3, 4])
        #expect(history[0].appeared)
        #expect(history[0].newInput == cheap.input && history[0].newOutput == cheap.output)
        #expect(!history[1].appeared)
        #expect(history[1].oldOutput == cheap.output && history[1].newOutput == dearer.output)
        #expect(history[1].oldInput == history[1].newInput)
        #expect(history[2].oldOutput == dearer.output && history[2].newOutput == .unknown)
        #expect(!history[2].appeared)
        #expect(try await store.priceHistory(model: "m", provider: "other").isEmpty)
    }

    @Test("history is kept per serving endpoint", arguments: StoreBackend.all)
    func historyPerEndpoint(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "hf",
            offers: [
                offer("hf", "m", servedBy: "a", price: tokenPrice("1", "1")),
                offer("hf", "m", servedBy: "b", price: tokenPrice("1", "1")),
            ],
            nowMs: 1)
        try await store.replaceOffers(
            provider: "hf",
            offers: [
                offer("hf", "m", servedBy: "a", price: tokenPrice("1", "1")),
                offer("hf", "m", servedBy: "b", price: tokenPrice("2", "1")),
            ],
            nowMs: 2)
        let changes = try await store.priceHistory(model: "m", provider: "hf").filter { !$0.appeared }
        #expect(changes.map(\.servedBy) == ["b"])
    }

    @Test("the last refresh of each provider is the latest one recorded", arguments: StoreBackend.all)
    func refreshRuns(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        #expect(try await store.lastRefresh(provider: "a") == nil)
        let runs = [
            RefreshRun(provider: "a", status: .ok, models: 10, offers: 12, durationMs: 300, startedAt: 100),
            RefreshRun(
                provider: "b", status: .failed, models: 0, offers: 0, durationMs: 50, error: "HTTP 503", startedAt: 150),
            RefreshRun(
                provider: "a", status: .kept, models: 2, offers: 12, durationMs: 200, error: "shrank by 80%",
                startedAt: 200),
        ]
        for run in runs { try await store.recordRefresh(run) }
        #expect(try await store.lastRefresh(provider: "a") == runs[2])
        #expect(try await store.lastRefreshes() == [runs[2], runs[1]])
    }

    @Test("a lease is held by one owner until it expires or is released", arguments: StoreBackend.all)
    func leases(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        #expect(try await store.acquireLease("refresh:hf", owner: "one", nowMs: 0, ttlMs: 1_000))
        #expect(try await !store.acquireLease("refresh:hf", owner: "two", nowMs: 500, ttlMs: 1_000))
        #expect(try await store.acquireLease("refresh:hf", owner: "one", nowMs: 900, ttlMs: 1_000))
        #expect(try await !store.acquireLease("refresh:hf", owner: "two", nowMs: 1_500, ttlMs: 1_000))
        #expect(try await store.acquireLease("refresh:hf", owner: "two", nowMs: 1_900, ttlMs: 1_000))
        try await store.releaseLease("refresh:hf", owner: "one")
        #expect(try await !store.acquireLease("refresh:hf", owner: "one", nowMs: 2_000, ttlMs: 1_000))
        try await store.releaseLease("refresh:hf", owner: "two")
        #expect(try await store.acquireLease("refresh:hf", owner: "one", nowMs: 2_000, ttlMs: 1_000))
    }
}
