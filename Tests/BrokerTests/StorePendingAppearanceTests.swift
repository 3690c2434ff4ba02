@testable import Broker
import ProviderInterface
import Testing

/// A new offer's appearance is kept on its own row until its price first changes or it
/// goes; the history a user reads must be the same as if it had been written at once.
@Suite("Marketplace store: pending appearances in the price history")
struct StorePendingAppearanceTests {
    static let hour: Int64 = 3_600_000

    func historyRows(_ fixture: TestStore) throws -> Int64 {
        try fixture.rowCount("price_history")
    }

    @Test(
        "a first refresh writes no history rows, yet every offer's appearance reads back with its price and time",
        arguments: StoreBackend.all)
    func appearanceReadFromOffer(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let outcome = try await store.replaceOffers(
            provider: "p",
            offers: [
                offer("p", "m", servedBy: "a", price: tokenPrice("0.2", "0.6")),
                offer("p", "m", servedBy: "b", price: tokenPrice("0.3", "0.9")),
                offer("p", "n", servedBy: "a"),
            ],
            nowMs: testNow)
        #expect(outcome.appeared == 3)
        #expect(try historyRows(fixture) == 0)

        let history = try await store.priceHistory(model: "m")
        #expect(history.map(\.servedBy).sorted() == ["a", "b"])
        #expect(history.allSatisfy { $0.appeared && $0.at == testNow && $0.provider == "p" && $0.model == "m" })
        #expect(history.first { $0.servedBy == "b" }?.newOutput == perMillion("0.9"))
        #expect(try await store.priceHistory(model: "m", provider: "other").isEmpty)
        #expect(try await store.priceHistory(model: "m", provider: "p").count == 2)
    }

    @Test(
        "the first price change writes the appearance out with the old price, once, then the change",
        arguments: StoreBackend.all)
    func changeWritesAppearance(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        // One endpoint listed for two tasks, and a bystander.
        let first = [
            offer("p", "m", task: .conversational, price: tokenPrice("0.2", "0.6")),
            offer("p", "m", task: .textGeneration, price: tokenPrice("0.2", "0.6")),
            offer("p", "other"),
        ]
        try await store.replaceOffers(provider: "p", offers: first, nowMs: testNow)
        var second = first
        second[0].price = tokenPrice("0.2", "0.8")
        second[1].price = tokenPrice("0.2", "0.8")
        let moved = try await store.replaceOffers(provider: "p", offers: second, nowMs: testNow + Self.hour)
        #expect(moved.priceChanges == 1 && moved.appeared == 0)
        var third = second
        third[0].price = tokenPrice("0.1", "0.8")
        third[1].price = tokenPrice("0.1", "0.8")
        try await store.replaceOffers(provider: "p", offers: third, nowMs: testNow + 2 * Self.hour)

        let history = try await store.priceHistory(model: "m")
        #expect(history.map(\.at) == [testNow, testNow + Self.hour, testNow + 2 * Self.hour])
        #expect(history.map(\.appeared) == [true, false, false])
        #expect(history[0].newOutput == perMillion("0.6"))
        #expect(history[1].oldOutput == perMillion("0.6") && history[1].newOutput == perMillion("0.8"))
        #expect(history[2].oldInput == perMillion("0.2") && history[2].newInput == perMillion("0.1"))
        // Written out: the appearance and two changes of "m"; "other" is still pending.
        #expect(try historyRows(fixture) == 3)
        #expect(try await store.priceHistory(model: "other").map(\.at) == [testNow])
    }

    @Test(
        "an offer that goes keeps its appearance in the history, and one that comes back appears again",
        arguments: StoreBackend.all)
    func goneKeepsAppearance(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", price: tokenPrice("1", "2")), offer("p", "n")], nowMs: testNow)
        let gone = try await store.replaceOffers(provider: "p", offers: [offer("p", "n")], nowMs: testNow + Self.hour)
        #expect(gone.removed == 1)
        var history = try await store.priceHistory(model: "m")
        #expect(history.count == 1)
        #expect(history.first?.appeared == true && history.first?.at == testNow)
        #expect(history.first?.newOutput == perMillion("2"))

        try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", price: tokenPrice("3", "4")), offer("p", "n")],
            nowMs: testNow + 2 * Self.hour)
        history = try await store.priceHistory(model: "m")
        #expect(history.map(\.at) == [testNow, testNow + 2 * Self.hour])
        #expect(history.allSatisfy { $0.appeared })
        #expect(history.last?.newOutput == perMillion("4"))
    }

    @Test("an empty catalog forced through, or a provider removed, keeps every appearance", arguments: StoreBackend.all)
    func clearKeepsAppearances(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", servedBy: "a"), offer("p", "m", servedBy: "b")], nowMs: testNow)
        try await store.replaceOffers(provider: "q", offers: [offer("q", "m")], nowMs: testNow + 1)
        try await store.replaceOffers(provider: "p", offers: [], nowMs: testNow + Self.hour)
        try await store.removeProvider("q")
        #expect(try await store.offerCounts().isEmpty)
        let history = try await store.priceHistory(model: "m")
        #expect(history.map(\.at) == [testNow, testNow, testNow + 1])
        #expect(history.map(\.servedBy) == ["a", "b", "q"])
        #expect(try historyRows(fixture) == 3)
    }

    @Test("a store from before pending appearances keeps its written appearances and never doubles them")
    func migratesVersionSix() async throws {
        let dir = try StoreTempDirectory()
        do {
            let old = try SQLiteConnection(path: dir.file())
            try Migrator(Array(StoreSchema.migrations.prefix(6))).migrate(old)
            try old.execute(
                """
                INSERT INTO providers (key, offers, replaced_at) VALUES ('p', 1, \(testNow));
                INSERT INTO offers (provider, served_by, model, task, billing, price_state, input_pico, output_pico,
                    blended_sort, region, countries, compliance, curated, changed_at)
                VALUES ('p', 'p', 'm', 'conversational', 'token', 'known', 200000, 880000, 1480000, 'eu', 'FR',
                    ',gdpr,', 0, \(testNow));
                INSERT INTO price_history (provider, served_by, model, at, billing, appeared, new_input_pico,
                    new_output_pico)
                VALUES ('p', 'p', 'm', \(testNow), 'token', 1, 200000, 880000);
                """)
        }
        let store = try MarketplaceStore(path: dir.file())
        #expect(try await store.priceHistory(model: "m").count == 1)
        try await store.replaceOffers(
            provider: "p", offers: [offer("p", "m", price: tokenPrice("0.3", "0.88"), region: euFR)],
            nowMs: testNow + Self.hour)
        let history = try await store.priceHistory(model: "m")
        #expect(history.map(\.appeared) == [true, false])
        #expect(history.last?.oldInput == perMillion("0.2") && history.last?.newInput == perMillion("0.3"))
    }
}
