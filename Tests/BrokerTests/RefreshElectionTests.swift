import Broker
import Foundation
import PostgresClient
import ProviderInterface
import Synchronization
import Testing

/// One refresher per provider across the processes sharing a store, a holder that lost its
/// claim unable to write, a periodic round that leaves a freshly refreshed provider alone, and
/// the other processes told of a committed refresh.
@Suite("Refresh election")
struct RefreshElectionTests {
    static let registry = Registry(
        path: "test",
        entries: [
            ProviderEntry(
                key: "direct", adapter: "fake", baseURL: "https://direct.example", region: RegionRecord(region: .us),
                index: 0)
        ])

    /// A refresher of the one provider `direct` on `store`, at `now`, counting its listings.
    static func refresher(_ provider: FakeProvider, store: any MarketStore, now: Int64, owner: String)
        -> PricingRefresher
    {
        PricingRefresher(
            store: store, registry: registry, factory: { _ throws(ProviderError) in provider }, now: { now },
            owner: owner)
    }

    static func offers(_ model: String, count: Int = 1) -> [Offer] {
        (0..<count).map {
            Offer(
                provider: "direct", servedBy: "direct", model: "\(model)-\($0)", task: .conversational,
                price: OfferPrice(input: .amount(PicoUSD(1_000)), output: .amount(PicoUSD(2_000))),
                refreshedAt: 1_000)
        }
    }

    @Test(
        "while one store holds a provider's refresh claim, another store on the same database gets none; released, it does",
        arguments: StoreBackend.all)
    func oneClaimAtATime(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let first = fixture.store
        let second = try fixture.reopen()
        let claim = try #require(try await first.claimRefresh("direct", owner: "one", nowMs: 0, ttlMs: 60_000))
        #expect(try await second.claimRefresh("direct", owner: "two", nowMs: 10, ttlMs: 60_000) == nil)
        // Another provider is a claim of its own.
        #expect(try await second.claimRefresh("other", owner: "two", nowMs: 10, ttlMs: 60_000) != nil)
        try await first.releaseRefresh(claim)
        let taken = try #require(try await second.claimRefresh("direct", owner: "two", nowMs: 20, ttlMs: 60_000))
        #expect(try await first.claimRefresh("direct", owner: "one", nowMs: 30, ttlMs: 60_000) == nil)
        // The holder writes under its claim.
        try await second.replaceOffers(provider: "direct", offers: Self.offers("m"), nowMs: 40, fencedBy: taken)
        #expect(try await first.offerCount(provider: "direct") == 1)
    }

    @Test("on PostgreSQL, a refresher sharing the store value with the holder gets no claim either")
    func sameStoreClaimsOnce() async throws {
        guard TestPostgres.available else { return }
        let fixture = try TestStore(.postgresql)
        #expect(try await fixture.store.claimRefresh("direct", owner: "a", nowMs: 0, ttlMs: 1) != nil)
        #expect(try await fixture.store.claimRefresh("direct", owner: "b", nowMs: 0, ttlMs: 1) == nil)
    }

    @Test(
        "on PostgreSQL, a stalled holder whose connection was lost cannot write: the new holder's offers stand and the late write is fenced"
    )
    func lostSessionIsFenced() async throws {
        guard TestPostgres.available else { return }
        let fixture = try TestStore(.postgresql)
        let stalled = try #require(fixture.store as? PostgresMarketStore)
        let other = try fixture.reopen()
        let claim = try #require(try await stalled.claimRefresh("direct", owner: "stalled", nowMs: 0, ttlMs: 1))
        // The stalled holder's session ends (a network cut, the server's timeout, an operator).
        let admin = try PostgresConnection(uri: try TestPostgres.requireURI())
        try admin.run("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(await stalled.backendPID))])
        // Its lock went with the session: another instance is elected and refreshes.
        var won: RefreshClaim?
        for _ in 0..<50 where won == nil {
            won = try await other.claimRefresh("direct", owner: "other", nowMs: 1, ttlMs: 1)
            if won == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let taken = try #require(won)
        try await other.replaceOffers(
            provider: "direct", offers: Self.offers("new", count: 2), nowMs: 2, fencedBy: taken)
        // The stalled holder wakes up and writes: refused, first as a lost connection, then
        // (reconnected, in a session without the lock) as fenced.
        await #expect(throws: (any Error).self) {
            try await stalled.replaceOffers(provider: "direct", offers: Self.offers("old"), nowMs: 3, fencedBy: claim)
        }
        do {
            try await stalled.replaceOffers(provider: "direct", offers: Self.offers("old"), nowMs: 3, fencedBy: claim)
            Issue.record("a write under a lost claim landed")
        } catch let error as StoreError {
            #expect(error.code == .fenced)
            #expect(error.description.contains("direct"))
        }
        await #expect(throws: StoreError(.fenced, "")) {
            try await stalled.replaceComputeOffers(
                source: "direct", offers: [gpuOffer("a")], version: nil, nowMs: 3, fencedBy: claim)
        }
        let stored = try await other.queryOffers(MarketQuery(nowMs: 2, providers: ["direct"], includeStale: true))
        #expect(stored.map(\.model).sorted() == ["new-0", "new-1"])
        // Released on a session that is gone: nothing to do, no error; the new holder still holds it.
        try await stalled.releaseRefresh(claim)
        #expect(try await stalled.claimRefresh("direct", owner: "stalled", nowMs: 4, ttlMs: 1) == nil)
    }

    @Test("on SQLite, a holder whose expired lease another process took over cannot write")
    func takenOverLeaseIsFenced() async throws {
        let fixture = try TestStore(.sqlite)
        let stalled = fixture.store
        let other = try fixture.reopen()
        let claim = try #require(try await stalled.claimRefresh("direct", owner: "stalled", nowMs: 0, ttlMs: 1_000))
        #expect(try await other.claimRefresh("direct", owner: "other", nowMs: 500, ttlMs: 1_000) == nil)
        let taken = try #require(try await other.claimRefresh("direct", owner: "other", nowMs: 1_500, ttlMs: 1_000))
        try await other.replaceOffers(provider: "direct", offers: Self.offers("new"), nowMs: 1_600, fencedBy: taken)
        await #expect(throws: StoreError(.fenced, "")) {
            try await stalled.replaceOffers(
                provider: "direct", offers: Self.offers("old"), nowMs: 1_700, fencedBy: claim)
        }
        #expect(try await other.queryOffers(MarketQuery(nowMs: 1_600, includeStale: true)).map(\.model) == ["new-0"])
        // A compute source's write is fenced the same way.
        await #expect(throws: StoreError(.fenced, "")) {
            try await stalled.replaceComputeOffers(
                source: "direct", offers: [gpuOffer("a")], version: nil, nowMs: 1_700, fencedBy: claim)
        }
        #expect(try await other.computeOfferCount(source: "direct") == 0)
        // An expired lease nobody took over still lets its holder write.
        let late = try #require(try await stalled.claimRefresh("late", owner: "stalled", nowMs: 0, ttlMs: 10))
        var offers = Self.offers("late")
        offers[0].provider = "late"
        offers[0].servedBy = "late"
        try await stalled.replaceOffers(provider: "late", offers: offers, nowMs: 5_000, fencedBy: late)
    }

    @Test(
        "a periodic round leaves a provider alone that another process refreshed within its period, and fetches it once the period has passed",
        arguments: StoreBackend.all)
    func freshIsSkipped(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let provider = FakeProvider(key: "direct", models: PricingRefresherTests.models(3))
        let elsewhere = Self.refresher(provider, store: fixture.store, now: 1_000_000, owner: "elsewhere")
        #expect(await elsewhere.refreshOnce().map(\.run.status) == [.ok])
        provider.set(models: PricingRefresherTests.models(4))
        let here = Self.refresher(provider, store: try fixture.reopen(), now: 1_000_600, owner: "here")
        let skipped = await here.refreshOnce(
            fresh: .init(roundStartedMs: 1_000_600, periodMs: ["direct": 1_000]))
        #expect(skipped.count == 1)
        #expect(skipped[0].refreshedElsewhere)
        #expect(skipped[0].run.status == .ok && skipped[0].run.startedAt == 1_000_000 && skipped[0].run.offers == 3)
        #expect(try await fixture.store.offerCount(provider: "direct") == 3)
        // One period after the other's refresh began, this process fetches.
        let due = await here.refreshOnce(fresh: .init(roundStartedMs: 1_001_000, periodMs: ["direct": 1_000]))
        #expect(!due[0].refreshedElsewhere && due[0].run.status == .ok && due[0].run.startedAt == 1_001_000)
        #expect(try await fixture.store.offerCount(provider: "direct") == 4)
        // Without the rule (`broker refresh`, a refresh at start) a fresh provider is fetched.
        provider.set(models: PricingRefresherTests.models(5))
        #expect(await elsewhere.refreshOnce().first?.refreshedElsewhere == false)
        #expect(try await fixture.store.offerCount(provider: "direct") == 5)
    }

    @Test(
        "another store on the same database is told of a committed refresh of a provider within 5 s",
        arguments: StoreBackend.all)
    func changesReachOtherStores(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let watcher = try fixture.reopen()
        let seen = Mutex<[OfferChange]>([])
        let watch = Task {
            for await change in watcher.offerChanges() { seen.withLock { $0.append(change) } }
        }
        defer { watch.cancel() }
        // Let the watch begin (PostgreSQL: the listener connects; SQLite: the first look).
        try await Task.sleep(for: .milliseconds(1_200))
        let provider = FakeProvider(key: "direct", models: PricingRefresherTests.models(2))
        #expect(
            await Self.refresher(provider, store: fixture.store, now: Timestamp.nowMs(), owner: "x").refreshOnce().map(
                \.run.status) == [.ok])
        let start = ContinuousClock.now
        while !seen.withLock({ $0.contains(.provider("direct")) }), ContinuousClock.now - start < .seconds(5) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(seen.withLock { $0 }.contains(.provider("direct")), "\(seen.withLock { $0 })")
    }

    @Test("on PostgreSQL, the watch reconnects after its connection is cut and reports that everything must be re-read")
    func watchReconnectReportsAll() async throws {
        guard TestPostgres.available else { return }
        let fixture = try TestStore(.postgresql)
        let store = try #require(fixture.store as? PostgresMarketStore)
        let seen = Mutex<[OfferChange]>([])
        let watch = Task {
            for await change in store.offerChanges() { seen.withLock { $0.append(change) } }
        }
        defer { watch.cancel() }
        let admin = try PostgresConnection(uri: try TestPostgres.requireURI())
        let channel = store.offersChannel
        // Cut the listener's session once it listens (its last statement names the channel).
        var cut = 0
        for _ in 0..<100 where cut == 0 {
            cut = try admin.rows(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()",
                [.text(channel)]
            ) { try $0.bool(0) }.count
            if cut == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(cut == 1)
        // Generous: this is about what is reported, not how fast (a loaded machine may starve the watch task).
        let start = ContinuousClock.now
        while !seen.withLock({ $0.contains(.all) }), ContinuousClock.now - start < .seconds(30) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(seen.withLock { $0 } == [.all])
        // Listening again: the next commit (by another store) is reported.
        try await fixture.reopen().replaceOffers(provider: "direct", offers: Self.offers("m"), nowMs: 1, fencedBy: nil)
        while !seen.withLock({ $0.contains(.provider("direct")) }), ContinuousClock.now - start < .seconds(40) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(seen.withLock { $0 }.last == .provider("direct"))
    }
}
