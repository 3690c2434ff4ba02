@testable import Broker
import PostgresClient
import ProviderInterface
import Testing

@Suite("PostgreSQL store: schema and the choice of backend")
struct StorePostgresSchemaTests {
    @Test(
        "every SQLite migration is fixed SQL, translated under its own name and in its order after the PostgreSQL-only one"
    )
    func migrationsMirrorSQLite() {
        #expect(StoreSchema.migrations.allSatisfy { $0.sql != nil })
        #expect(PostgresStoreSchema.migrations.map(\.name) == ["pg-0-functions"] + StoreSchema.migrations.map(\.name))
        let offers = PostgresStoreSchema.translate(
            "    id INTEGER PRIMARY KEY,\n    model TEXT NOT NULL,\n    -- INTEGER pico\n    hf_id TEXT,")
        #expect(offers.contains("id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"))
        #expect(offers.contains("model text COLLATE \"C\" NOT NULL,"))
        #expect(offers.contains("-- INTEGER pico"))
        #expect(offers.contains("hf_id text COLLATE \"C\","))
    }

    @Test(
        "a postgresql:// or postgres:// store is PostgreSQL, anything else a SQLite path; its name never holds the password"
    )
    func locations() {
        #expect(StoreLocation.isPostgres("postgresql://u:secret@db.example:5432/broker"))
        #expect(StoreLocation.isPostgres("postgres://u@db/broker"))
        #expect(!StoreLocation.isPostgres("/var/lib/broker/market.sqlite3"))
        #expect(!StoreLocation.isPostgres("postgresql.sqlite3"))
        #expect(
            StoreLocation.displayName("postgresql://u:secret@db.example:5432/broker")
                == "postgresql://u@db.example:5432/broker")
        #expect(StoreLocation.displayName("/tmp/market.sqlite3") == "/tmp/market.sqlite3")
        #expect(!StoreLocation.displayName("postgresql://u:secret@[bad").contains("secret"))
    }
}

@Suite(
    "PostgreSQL store: failures, instances and time",
    .enabled(if: TestPostgres.available, "BROKER_TEST_POSTGRES is unset"))
struct StorePostgresTests {
    @Test("a refused password is a store error naming host and database, never the password, and not temporary")
    func refusedPassword() throws {
        let base = try TestPostgres.requireURI()
        let uri = try PostgresURI(base)
        let wrong =
            "postgresql://\(uri.user ?? "broker"):not-the-password-7f3a@\(uri.host ?? "127.0.0.1"):\(uri.port ?? "5432")/\(uri.database ?? "")"
        do {
            _ = try StoreLocation.open(wrong)
            Issue.record("a wrong password must not open the store")
        } catch let error as PostgresStoreError {
            #expect(error.store == uri.description)
            #expect(!error.isTemporary)
            let message = StoreFailure.message(error, doing: "open")
            #expect(message.contains("cannot open the store \(uri.description)"), "\(message)")
            #expect(!message.contains("not-the-password-7f3a"), "\(message)")
        }
    }

    @Test("a lost connection fails the call with a temporary store error, and the next call reconnects")
    func lostConnection() async throws {
        let fixture = try TestStore(.postgresql)
        let store = try #require(fixture.store as? PostgresMarketStore)
        try await store.replaceOffers(provider: "p", offers: [offer("p", "m")], nowMs: testNow)
        let pid = await store.backendPID
        let admin = try PostgresConnection(uri: try TestPostgres.requireURI())
        try admin.run("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(pid))])
        do {
            _ = try await store.queryOffers(MarketQuery(nowMs: testNow))
            Issue.record("a terminated connection must fail the call, not answer an empty market")
        } catch {
            #expect(StoreFailure.isStoreFailure(error))
            #expect(StoreFailure.isTemporary(error), "\(error)")
            #expect(StoreFailure.message(error, doing: "read").contains(store.path))
        }
        #expect(try await store.queryOffers(MarketQuery(nowMs: testNow)).map(\.model) == ["m"])
    }

    @Test(
        "while a lost connection cannot be re-opened every call is a temporary store error; once it can, calls succeed")
    func serverAwayAfterLoss() async throws {
        let base = try TestPostgres.requireURI()
        let admin = try PostgresConnection(uri: base)
        let schema = "t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let role = "r_" + schema
        try admin.execute("CREATE SCHEMA \(schema)")
        try admin.execute("CREATE ROLE \(role) LOGIN PASSWORD 'role-secret-42'")
        try admin.execute("GRANT ALL ON SCHEMA \(schema) TO \(role)")
        defer {
            try? admin.execute("DROP SCHEMA \(schema) CASCADE")
            try? admin.execute("DROP ROLE \(role)")
        }
        let parsed = try PostgresURI(base)
        let uri = TestPostgres.uri(
            "postgresql://\(role):role-secret-42@\(parsed.host ?? "127.0.0.1"):\(parsed.port ?? "5432")/\(parsed.database ?? "")",
            schema: schema)
        let store = try PostgresMarketStore(uri: uri)
        try await store.replaceOffers(provider: "p", offers: [offer("p", "m")], nowMs: testNow)
        // The server refuses the role from now on, and its session ends: an outage.
        try admin.execute("ALTER ROLE \(role) NOLOGIN")
        try admin.run("SELECT pg_terminate_backend($1::integer)", [.integer(Int64(await store.backendPID))])
        for _ in 0..<2 {
            do {
                _ = try await store.offerCount(provider: "p")
                Issue.record("a store whose server is away must fail, not count nothing")
            } catch {
                #expect(StoreFailure.isTemporary(error), "\(error)")
                #expect(!"\(error)".contains("role-secret-42"))
            }
        }
        try admin.execute("ALTER ROLE \(role) LOGIN")
        #expect(try await store.offerCount(provider: "p") == 1)
    }

    @Test("two instances replacing the same provider at once leave exactly one catalog and one history")
    func sameProviderFromTwoInstances() async throws {
        let fixture = try TestStore(.postgresql)
        let first = fixture.store
        let second = try fixture.reopen()
        let rounds = 10
        func writer(_ store: any MarketStore, offset: Int) async throws {
            for round in 0..<rounds {
                let offers = (0..<300).map {
                    offer("p", "model-\($0)", price: tokenPrice("\(round * 2 + offset + 1)", "1"))
                }
                try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow + Int64(round * 2 + offset))
            }
        }
        async let a: Void = writer(first, offset: 0)
        async let b: Void = writer(second, offset: 1)
        _ = try await (a, b)
        #expect(try await first.offerCount(provider: "p") == 300)
        let stored = try await second.queryOffers(MarketQuery(nowMs: testNow + 100, sort: .model))
        #expect(Set(stored.map(\.model)).count == 300)
        // One appearance and a change per replace after the first: none lost, none doubled.
        // (Writers' clocks interleave, so the rows are not in commit order.)
        let history = try await first.priceHistory(model: "model-7")
        #expect(history.count == 2 * rounds, "\(history.count)")
        #expect(history.count { $0.oldInput == nil } == 1)
    }

    @Test("usage by day is by UTC day whatever the session's time zone")
    func usageDayIsUTC() async throws {
        let fixture = try TestStore(.postgresql)
        let store = try PostgresMarketStore(uri: fixture.location + "%20-cTimeZone%3DPacific/Kiritimati")
        // 2025-06-15T23:30Z: in Kiritimati (UTC+14) already the 16th.
        let at: Int64 = 1_750_030_200_000
        try await store.recordUsage(
            UsageRecord(
                requestID: "r", at: at, provider: "p", model: "m", task: .conversational, costPicoUSD: 5, latencyMs: 1))
        #expect(try await store.usage(sinceMs: 0, by: .day).map(\.key) == ["2025-06-15"])
    }
}

@Suite("Marketplace store: exact sums on every backend")
struct StoreOverflowTests {
    @Test(
        "a ledger sum past 2^63 pico-USD is a store error, never a wrapped or rounded amount",
        arguments: StoreBackend.all)
    func sumOverflow(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        for id in ["a", "b"] {
            try await store.recordUsage(
                UsageRecord(
                    requestID: id, at: testNow, provider: "p", model: "m", task: .conversational,
                    costPicoUSD: Int64.max - 1, latencyMs: 1))
        }
        await #expect(throws: (any Error).self) { try await store.usage(sinceMs: 0, by: .provider) }
        do {
            _ = try await store.usageTotal(sinceMs: 0)
            Issue.record("an overflowing total must not be answered")
        } catch {
            #expect(StoreFailure.isStoreFailure(error), "\(error)")
        }
    }
}

@Suite("Marketplace store: mixed currencies on every backend")
struct StoreCurrencyOrderTests {
    @Test(
        "USD and EUR offers sort by converted price through the stored rate; an absurd price sorts last rather than failing",
        arguments: StoreBackend.all)
    func mixedCurrencyOrder(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        func euro(_ model: String, _ input: String, _ output: String) -> Offer {
            var o = offer("eu", model, price: tokenPrice(input, output), region: euFR)
            o.price.currency = "EUR"
            return o
        }
        try await store.storeExchangeRates(ExchangeRates(date: "2026-07-09", perEuro: ["USD": "1.25"]), nowMs: testNow)
        try await store.replaceOffers(
            provider: "us",
            offers: [offer("us", "a", price: tokenPrice("1", "1")), offer("us", "b", price: tokenPrice("2", "2"))],
            nowMs: testNow)
        // €1.2 = $1.5 sorts between the two dollar offers; €3,000,000 per million tokens is absurd
        // but a price: after every sane one, before unknown.
        try await store.replaceOffers(
            provider: "eu",
            offers: [
                euro("c", "1.2", "1.2"), euro("huge", "3000000000", "3000000000"),
                offer("eu", "unknown", price: tokenPrice(nil, nil)),
            ],
            nowMs: testNow)
        let sorted = try await store.queryOffers(MarketQuery(nowMs: testNow))
        #expect(sorted.map(\.model) == ["a", "c", "b", "huge", "unknown"])
        let capped = try await store.queryOffers(MarketQuery(nowMs: testNow, maxInputPrice: PicoUSD(1_500_000)))
        #expect(capped.map(\.model) == ["a", "c"])
    }
}

@Suite("Marketplace store: placeholders in one group commit on every backend")
struct StoreLedgerBatchTests {
    func attempt(_ id: String, _ outcome: String, cost: Int64? = nil) -> UsageRecord {
        UsageRecord(
            requestID: id, at: testNow, provider: "p", model: "m", task: .conversational, costPicoUSD: cost,
            latencyMs: 1, outcome: outcome)
    }

    @Test(
        "a batch with an attempt's sent placeholder then its outcome stores the outcome once; an outcome is never replaced by a later placeholder",
        arguments: StoreBackend.all)
    func placeholderAndOutcomeInOneBatch(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let written = try await store.recordUsage(
            batch: [
                attempt("a", UsageRecord.sentOutcome), attempt("b", UsageRecord.sentOutcome),
                attempt("a", "ok", cost: 5),
                attempt("c", "ok", cost: 7), attempt("c", UsageRecord.sentOutcome), attempt("a", "ok", cost: 9),
            ], charges: [:])
        // Rows written as SQLite counts them: three inserts and the one placeholder replaced.
        #expect(written == 4)
        let rows = try await store.requestAttempts(sinceMs: 0)
        #expect(rows.map(\.requestID) == ["a", "b", "c"])
        #expect(rows.map(\.outcome) == ["ok", UsageRecord.sentOutcome, "ok"])
        #expect(rows.map(\.costPicoUSD) == [5, nil, 7])
        #expect(try await store.usageTotal(sinceMs: 0).first?.unknownOutcomes == 1)
    }
}

@Suite("Marketplace store: endpoints that go on every backend")
struct StoreEndpointsGoneTests {
    @Test(
        "endpoints that go in one replace each write their pending appearance, once, in stored order; changed rows are rewritten",
        arguments: StoreBackend.all)
    func severalEndpointsGo(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let first = (0..<6).map { offer("p", "m\($0)", servedBy: "s\($0 % 2)", price: tokenPrice("\($0 + 1)", "1")) }
        _ = try await store.replaceOffers(provider: "p", offers: first, nowMs: testNow)
        #expect(try fixture.rowCount("price_history") == 0)
        // m1, m3 and m5 go; m0 changes price; m2 and m4 stay as they were.
        var second = [first[0], first[2], first[4]]
        second[0].price = tokenPrice("9", "1")
        let outcome = try await store.replaceOffers(provider: "p", offers: second, nowMs: testNow + 1)
        #expect(outcome.removed == 3 && outcome.deleted == 3 && outcome.rewritten == 1 && outcome.priceChanges == 1)
        // Three appearances written for the gone ones, one appearance and one change for m0.
        #expect(try fixture.rowCount("price_history") == 5)
        for gone in ["m1", "m3", "m5"] {
            let history = try await store.priceHistory(model: gone)
            #expect(history.map(\.at) == [testNow] && history.first?.oldInput == nil, "\(gone)")
        }
        #expect(try await store.priceHistory(model: "m0").map(\.newInput) == [perMillion("1"), perMillion("9")])
        let stored = try await store.queryOffers(MarketQuery(nowMs: testNow + 1, sort: .model))
        #expect(stored.map(\.model) == ["m0", "m2", "m4"])
        #expect(stored.first?.price.input == perMillion("9"))
    }
}
