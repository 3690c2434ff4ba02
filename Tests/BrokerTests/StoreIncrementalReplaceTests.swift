@testable import Broker
import ProviderInterface
import Testing

/// A refresh writes only what changed: an hourly refresh of an unchanged catalog must
/// not rewrite 100,000 rows, yet every offer must read as refreshed at that hour.
@Suite("Marketplace store: incremental replace")
struct StoreIncrementalReplaceTests {
    static let hour: Int64 = 3_600_000

    func catalog(_ count: Int) -> [Offer] {
        (0..<count).map { i in
            offer(
                "p", "org/model-\(i)", servedBy: i % 3 == 0 ? "scaleway" : "together",
                price: tokenPrice("0.\(i % 9 + 1)", "\(i % 5 + 1)"), region: i % 3 == 0 ? euFR : usOnly,
                context: i % 4 == 0 ? nil : 8192)
        }
    }

    func everything(_ store: any MarketStore, now: Int64) async throws -> [Offer] {
        try await store.queryOffers(MarketQuery(nowMs: now, sort: .model))
    }

    @Test(
        "a refresh in which nothing changed rewrites no row, yet every offer reads as refreshed then",
        arguments: StoreBackend.all)
    func unchangedRefresh(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let offers = catalog(500)
        let first = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow)
        #expect(first.inserted == 500)
        #expect(first.appeared == 500)

        let again = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow + Self.hour)
        #expect(again.inserted == 0)
        #expect(again.rewritten == 0)
        #expect(again.deleted == 0)
        #expect(again.unchanged == 500)
        #expect(again.appeared == 0 && again.priceChanges == 0 && again.removed == 0)

        // Two and a half hours after the first refresh, the offers are fresh because
        // the second refresh confirmed them, though their rows were written by the first.
        var query = MarketQuery(nowMs: testNow + 5 * Self.hour / 2, sort: .model)
        query.refreshIntervalsMs = ["p": Self.hour]
        let shown = try await store.queryOffers(query)
        #expect(shown.count == 500)
        #expect(shown.allSatisfy { $0.refreshedAt == testNow + Self.hour && !query.isStale($0) })
        // And they still go stale together when refreshes stop.
        query.nowMs = testNow + 3 * Self.hour + 1
        #expect(try await store.queryOffers(query).isEmpty)
    }

    @Test(
        "only the offers that changed are written, and the store then holds exactly the new catalog",
        arguments: StoreBackend.all)
    func onlyChangesWritten(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        var offers = catalog(200)
        try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow)

        offers[10].price = tokenPrice("7", "8")  // a price change
        offers[20].contextLength = 65_536  // a change that is not a price
        offers[30].compliance = []  // a lost compliance tag
        offers.remove(at: 40)  // gone
        offers.append(offer("p", "org/brand-new", price: tokenPrice("1", "1")))  // new
        offers.append(offers[5])  // a repeated listing: stored once
        let outcome = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow + 60_000)
        #expect(outcome.rewritten == 3)
        #expect(outcome.inserted == 1)
        #expect(outcome.deleted == 1)
        #expect(outcome.offers == 200)
        #expect(outcome.unchanged == 196)
        #expect(outcome.priceChanges == 1 && outcome.appeared == 1 && outcome.removed == 1)

        let stored = try await everything(store, now: testNow + 60_000)
        let expected = offers.dropLast().map { o -> Offer in
            var o = o
            o.refreshedAt = testNow + 60_000
            return o
        }
        func key(_ o: Offer) -> String { o.servedBy + " " + o.model }
        #expect(stored.sorted { key($0) < key($1) } == expected.sorted { key($0) < key($1) })
        let history = try await store.priceHistory(model: "org/model-10")
        #expect(history.count == 2)
        #expect(history.last?.newInput == perMillion("7"))
    }

    @Test("rows written before digests existed are rewritten once, then left alone")
    func rowsWithoutDigest() async throws {
        let dir = try StoreTempDirectory()
        let store = try MarketplaceStore(path: dir.file())
        let offers = catalog(50)
        try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow)
        let raw = try SQLiteConnection(path: dir.file())
        try raw.execute("UPDATE offers SET row_hash = NULL")

        let once = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow + 1)
        #expect(once.rewritten == 50)
        #expect(once.priceChanges == 0)
        let twice = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow + 2)
        #expect(twice.rewritten == 0)
        #expect(try await everything(store, now: testNow + 2).count == 50)
    }

    @Test("a store from before digests migrates and keeps its offers and their refresh time")
    func migratesOldStore() async throws {
        let dir = try StoreTempDirectory()
        do {
            let old = try SQLiteConnection(path: dir.file())
            try Migrator(Array(StoreSchema.migrations.prefix(5))).migrate(old)
            try old.execute(
                """
                INSERT INTO providers (key, offers, replaced_at) VALUES ('p', 1, \(testNow));
                INSERT INTO offers (provider, served_by, model, task, billing, price_state, input_pico, output_pico,
                    blended_sort, region, countries, compliance, curated, refreshed_at)
                VALUES ('p', 'p', 'org/old', 'conversational', 'token', 'known', 200000, 880000, 1480000, 'eu', 'FR',
                    ',gdpr,', 0, \(testNow));
                """)
        }
        let store = try MarketplaceStore(path: dir.file())
        #expect(try await store.appliedMigrations() == StoreSchema.migrations.map(\.name))
        let shown = try await everything(store, now: testNow + 1)
        #expect(shown.map(\.model) == ["org/old"])
        #expect(shown.first?.refreshedAt == testNow)
        #expect(shown.first?.price == tokenPrice("0.2", "0.88"))

        let same = offer("p", "org/old", price: tokenPrice("0.2", "0.88"), region: euFR)
        let outcome = try await store.replaceOffers(provider: "p", offers: [same], nowMs: testNow + 10)
        #expect(outcome.rewritten == 1)
        #expect(outcome.priceChanges == 0)
    }

    @Test("an empty catalog forced through removes every offer", arguments: StoreBackend.all)
    func emptyCatalog(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(provider: "p", offers: catalog(10), nowMs: testNow)
        let outcome = try await store.replaceOffers(provider: "p", offers: [], nowMs: testNow + 1)
        #expect(outcome.deleted == 10)
        #expect(outcome.removed == 10)
        #expect(try await store.offerCount(provider: "p") == 0)
    }

    @Test("keys whose digests collide are still told apart by their text")
    func digestCollisions() {
        let keys = ["a", "b", "a", "c", "b"]
        var set = DigestSet(capacity: 4)
        // Every key under one digest: only a true repeat is refused.
        let inserted = keys.indices.map { i in set.insert(42, index: i) { keys[$0] == keys[i] } }
        #expect(inserted == [true, true, false, true, false])
    }

    @Test("the digest separates fields, so shifted text or nil against empty never match")
    func digestSeparatesFields() {
        func digests(_ o: Offer) -> OfferFingerprint.Digests {
            withUnsafePointer(to: o) { OfferFingerprint.digests($0) }
        }
        let shifted = [offer("p", "c", servedBy: "ab"), offer("p", "bc", servedBy: "a")].map(digests)
        #expect(shifted[0].endpoint != shifted[1].endpoint)
        #expect(shifted[0].identity != shifted[1].identity)
        var a = offer("p", "m")
        var b = a
        a.hfID = nil
        b.hfID = ""
        #expect(digests(a).identity == digests(b).identity)
        #expect(digests(a).content != digests(b).content)
        // Long strings are digested in words: a change in the last byte still counts.
        #expect(
            digests(offer("p", "org/a-long-model-name-0")).identity
                != digests(offer("p", "org/a-long-model-name-1")).identity)
    }
}
