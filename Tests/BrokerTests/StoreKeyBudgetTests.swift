@testable import Broker
import ProviderInterface
import Testing

/// Client keys' budgets and rates shared through the store by several `broker serve`
/// instances (each one a connection of its own here, as separate processes are).
@Suite("Marketplace store: API-key budgets and rates shared by instances")
struct StoreKeyBudgetTests {
    @Test(
        "a reservation is granted only while spent + reserved + amount stays within the budget; settling releases it and adds the cost",
        arguments: StoreBackend.all)
    func reserveSettleRefuse(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let a = fixture.store
        let b = try fixture.reopen()
        func reserve(_ store: any MarketStore, _ holder: String, _ amount: Int64) async throws -> KeyBudgetState {
            try await store.reserveKeyBudget(
                "team", amount: amount, budget: 1_000, holder: holder, nowMs: testNow, holdMs: 60_000)
        }
        #expect(try await reserve(a, "serve-a", 400) == KeyBudgetState(granted: true, spent: 0, reserved: 400))
        #expect(try await reserve(b, "serve-b", 400) == KeyBudgetState(granted: true, spent: 0, reserved: 800))
        // 800 reserved: 400 more would pass the budget, on either instance; 200 fits.
        #expect(try await reserve(a, "serve-a", 400) == KeyBudgetState(granted: false, spent: 0, reserved: 800))
        #expect(try await reserve(b, "serve-b", 201) == KeyBudgetState(granted: false, spent: 0, reserved: 800))
        // A settles: its 400 released, 150 spent; B sees it at once.
        let settled = try await a.settleKeyBudget("team", holder: "serve-a", released: 400, spent: 150, nowMs: testNow)
        #expect(settled == KeyBudgetState(granted: true, spent: 150, reserved: 400))
        #expect(try await reserve(b, "serve-b", 450) == KeyBudgetState(granted: true, spent: 150, reserved: 850))
        #expect(try await reserve(a, "serve-a", 1) == KeyBudgetState(granted: false, spent: 150, reserved: 850))
        // A holder cannot release what it does not hold; its cost still counts.
        let stray = try await a.settleKeyBudget("team", holder: "serve-a", released: 400, spent: 10, nowMs: testNow)
        #expect(stray == KeyBudgetState(granted: true, spent: 160, reserved: 850))
        try await b.settleKeyBudget("team", holder: "serve-b", released: 850, spent: 840, nowMs: testNow)
        #expect(try await a.keySpending() == ["team": 1_000])
        // Nothing is held any more: no instance keeps a row.
        #expect(try fixture.rowCount("key_reservations") == 0)
        #expect(try await reserve(a, "serve-a", 1) == KeyBudgetState(granted: false, spent: 1_000, reserved: 0))
        // A key never seen has its row made by its first reservation; more than the budget is refused.
        let fresh = try await b.reserveKeyBudget(
            "ci", amount: 2_000, budget: 1_000, holder: "serve-b", nowMs: testNow, holdMs: 60_000)
        #expect(fresh == KeyBudgetState(granted: false, spent: 0, reserved: 0))
    }

    @Test(
        "instances reserving at once never take more than the budget together", arguments: StoreBackend.all)
    func concurrentReservations(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let stores = [fixture.store, try fixture.reopen(), try fixture.reopen()]
        let granted = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    var granted = 0
                    for _ in 0..<20 {
                        let state = try await store.reserveKeyBudget(
                            "team", amount: 100, budget: 2_550, holder: "serve-\(index)", nowMs: testNow,
                            holdMs: 60_000)
                        if state.granted { granted += 1 }
                        #expect(state.spent + state.reserved <= 2_550)
                    }
                    return granted
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(granted == 25)
    }

    @Test(
        "the reservations of an instance that stopped without settling expire and free the budget; its late settlement releases nothing",
        arguments: StoreBackend.all)
    func expiry(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let a = fixture.store
        let b = try fixture.reopen()
        let held = try await a.reserveKeyBudget(
            "team", amount: 900, budget: 1_000, holder: "serve-a", nowMs: testNow, holdMs: 1_000)
        #expect(held.granted)
        let early = try await b.reserveKeyBudget(
            "team", amount: 200, budget: 1_000, holder: "serve-b", nowMs: testNow + 999, holdMs: 1_000)
        #expect(early == KeyBudgetState(granted: false, spent: 0, reserved: 900))
        let late = try await b.reserveKeyBudget(
            "team", amount: 200, budget: 1_000, holder: "serve-b", nowMs: testNow + 1_000, holdMs: 1_000)
        #expect(late == KeyBudgetState(granted: true, spent: 0, reserved: 200))
        #expect(try fixture.rowCount("key_reservations") == 1)
        // A's request ends after all: nothing of its is held any more; B's reservation stays.
        let settled = try await a.settleKeyBudget(
            "team", holder: "serve-a", released: 900, spent: 300, nowMs: testNow + 1_001)
        #expect(settled == KeyBudgetState(granted: true, spent: 300, reserved: 200))
    }

    @Test(
        "a key's request rate is one bucket for every instance: rpm requests pass, the next is refused with when to retry",
        arguments: StoreBackend.all)
    func rateBucket(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let stores = [fixture.store, try fixture.reopen()]
        for i in 0..<3 {
            let take = try await stores[i % 2].takeKeyRequest("team", perMinute: 3, nowMs: testNow + Int64(i))
            #expect(take == KeyRateTake(granted: true, retryAfterMs: 0), "request \(i)")
        }
        // Three requests a minute: one comes back every 20 s.
        for store in stores {
            let refused = try await store.takeKeyRequest("team", perMinute: 3, nowMs: testNow + 10)
            #expect(!refused.granted)
            #expect((19_990...20_000).contains(refused.retryAfterMs), "\(refused.retryAfterMs)")
        }
        #expect(try await stores[1].takeKeyRequest("team", perMinute: 3, nowMs: testNow + 20_005).granted)
        #expect(try await stores[0].takeKeyRequest("team", perMinute: 3, nowMs: testNow + 20_006).granted == false)
        // Another key has its own bucket; a clock behind the stored one refills nothing.
        #expect(try await stores[0].takeKeyRequest("ci", perMinute: 1, nowMs: testNow).granted)
        #expect(try await stores[1].takeKeyRequest("ci", perMinute: 1, nowMs: testNow - 120_000).granted == false)
    }
}
