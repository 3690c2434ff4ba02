@testable import Broker
import CSQLite
import ProviderInterface
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("SQLite wrapper and store file")
struct StoreSQLiteTests {
    struct Boom: Error, Equatable {}

    @Test("migrations apply once, in order, and not again on reopen")
    func migrationsIdempotent() async throws {
        let dir = try StoreTempDirectory()
        let first = try MarketplaceStore(path: dir.file())
        let names = try await first.appliedMigrations()
        #expect(names == StoreSchema.migrations.map(\.name))
        #expect(names.count >= 5)

        let reopened = try MarketplaceStore(path: dir.file())
        #expect(try await reopened.appliedMigrations() == names)

        // A migrator applies only what is new, and only once.
        let db = try SQLiteConnection(path: dir.file("m.sqlite3"))
        let one = Migration("a", sql: "CREATE TABLE a (x INTEGER)")
        let two = Migration("b", sql: "CREATE TABLE b (x INTEGER)")
        #expect(try Migrator([one]).migrate(db) == ["a"])
        #expect(try Migrator([one, two]).migrate(db) == ["b"])
        #expect(try Migrator([one, two]).migrate(db) == [])
        #expect(try Migrator.appliedMigrations(db) == ["a", "b"])
    }

    @Test("a failing migration leaves no trace and is retried next time")
    func failingMigrationRollsBack() throws {
        let dir = try StoreTempDirectory()
        let db = try SQLiteConnection(path: dir.file())
        let broken = Migration("broken") { db in
            try db.execute("CREATE TABLE half (x INTEGER)")
            throw Boom()
        }
        #expect(throws: Boom.self) { try Migrator([broken]).migrate(db) }
        #expect(try Migrator.appliedMigrations(db) == [])
        // The table created before the failure was rolled back with it.
        let fixed = Migration("broken", sql: "CREATE TABLE half (x INTEGER)")
        #expect(try Migrator([fixed]).migrate(db) == ["broken"])
    }

    @Test("the store file, its directories and its WAL are private (0600 / 0700)")
    func fileModes() async throws {
        let dir = try StoreTempDirectory()
        let path = dir.path + "/nested/deeper/market.sqlite3"
        let previous = umask(0o022)
        defer { umask(previous) }
        let store = try MarketplaceStore(path: path)
        try await store.replaceOffers(provider: "p", offers: [offer("p", "m")], nowMs: testNow)
        #expect(fileMode(path) == 0o600)
        #expect(fileMode(path + "-wal") == 0o600)
        #expect(fileMode(dir.path + "/nested") == 0o700)
        #expect(fileMode(dir.path + "/nested/deeper") == 0o700)
    }

    @Test("the default path follows BROKER_STORE, then XDG_DATA_HOME, then HOME")
    func defaultPath() {
        #expect(MarketplaceStore.defaultPath(environment: ["BROKER_STORE": "/x/s.db", "HOME": "/h"]) == "/x/s.db")
        #expect(
            MarketplaceStore.defaultPath(environment: ["XDG_DATA_HOME": "/data", "HOME": "/h"])
                == "/data/broker/market.sqlite3")
        #expect(MarketplaceStore.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/broker/market.sqlite3")
        // Empty and relative XDG values are ignored, as the XDG spec says.
        #expect(
            MarketplaceStore.defaultPath(environment: ["XDG_DATA_HOME": "rel", "BROKER_STORE": "", "HOME": "/h"])
                == "/h/.local/share/broker/market.sqlite3")
    }

    @Test("a transaction rolls back when its body throws, and that error wins")
    func transactionRollback() throws {
        let dir = try StoreTempDirectory()
        let db = try SQLiteConnection(path: dir.file())
        try db.execute("CREATE TABLE t (x INTEGER NOT NULL)")
        try db.run("INSERT INTO t VALUES (1)")
        #expect(throws: Boom.self) {
            try db.inTransaction {
                try db.run("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(db.isInTransaction == false)
        #expect(try db.rows("SELECT x FROM t") { $0.int64(0) } == [1])
        // Committed work stays.
        try db.inTransaction { try db.run("INSERT INTO t VALUES (3)") }
        #expect(try db.rows("SELECT x FROM t ORDER BY x") { $0.int64(0) } == [1, 3])
    }

    @Test("SQLite errors carry the code, message and SQL but never the bound values")
    func errorsOmitValues() throws {
        let dir = try StoreTempDirectory()
        let db = try SQLiteConnection(path: dir.file())
        try db.execute("CREATE TABLE secrets (k TEXT PRIMARY KEY)")
        try db.run("INSERT INTO secrets VALUES (?)", [.text("sk-live-123")])
        do {
            try db.run("INSERT INTO secrets VALUES (?)", [.text("sk-live-123")])
            Issue.record("a duplicate key must fail")
        } catch let error as SQLiteError {
            #expect(error.code == SQLITE_CONSTRAINT)
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO secrets VALUES (?)")
            #expect(error.description.contains("UNIQUE constraint failed"))
            #expect(!error.description.contains("sk-live-123"))
        }
        #expect(throws: SQLiteError.self) { try db.run("SELECT nope FROM nowhere") }
    }

    @Test("cached statements are reused with their bindings cleared")
    func statementCache() throws {
        let dir = try StoreTempDirectory()
        let db = try SQLiteConnection(path: dir.file())
        let sql = "SELECT ?1, ?2"
        let first = try db.cachedStatement(sql)
        try first.bind("a", at: 1)
        try first.bind(7, at: 2)
        #expect(try first.step())
        #expect(first.text(0) == "a" && first.int64(1) == 7)

        let again = try db.cachedStatement(sql)
        #expect(again === first)
        try again.bind("", at: 1)
        #expect(try again.step())
        // The empty string stays a string; the parameter not rebound is NULL again.
        #expect(again.optionalText(0) == "")
        #expect(again.isNull(1))
        // Binding to a statement that is mid-step is refused rather than ignored.
        #expect(throws: SQLiteError.self) { try again.bind(1, at: 1) }

        let blob = try db.cachedStatement("SELECT length(?1), typeof(?1)")
        try blob.bind([UInt8]([1, 2, 3]), at: 1)
        #expect(try blob.step())
        #expect(blob.int64(0) == 3 && blob.text(1) == "blob")
    }
}

@Suite("store failures")
struct StoreFailureTests {
    @Test(
        "a write that waits past the busy timeout for another connection's lock is a temporary failure naming the store file"
    )
    func busyIsTemporaryAndNamed() throws {
        let dir = try StoreTempDirectory()
        let path = dir.file()
        _ = try MarketplaceStore(path: path)
        let holder = try SQLiteConnection(path: path, busyTimeoutMs: 100)
        try holder.execute("BEGIN IMMEDIATE")
        let waiter = try SQLiteConnection(path: path, busyTimeoutMs: 100)
        let error = try #require(throws: SQLiteError.self) { try waiter.execute("BEGIN IMMEDIATE") }
        try holder.execute("COMMIT")
        #expect(StoreFailure.isStoreFailure(error) && StoreFailure.isTemporary(error))
        #expect(error.store == path)
        #expect(StoreFailure.message(error, doing: "write").hasPrefix("the store \(path) is locked by another process"))
        // A damaged store is a store failure too, but not a temporary one.
        let damaged = try #require(throws: SQLiteError.self) { try waiter.execute("SELECT * FROM no_such_table") }
        #expect(StoreFailure.isStoreFailure(damaged) && !StoreFailure.isTemporary(damaged))
        #expect(StoreFailure.message(damaged, doing: "read").hasPrefix("cannot read the store \(path): "))
        #expect(!StoreFailure.isStoreFailure(ProviderError(.badInput, provider: "hf", message: "reset")))
    }
}
