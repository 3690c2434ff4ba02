@testable import Broker
import PostgresClient
import ProviderInterface
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The store backends the store tests run against: SQLite always; PostgreSQL when
/// `$BROKER_TEST_POSTGRES` names a server (`eval "$(scripts/postgres-test-cluster.sh start)"`,
/// as `scripts/test.sh` does), and under CI (`CI=true`) always, so CI fails rather than skips
/// when the cluster is missing.
enum StoreBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    /// The backends to test here.
    static let all: [StoreBackend] = [.sqlite] + (TestPostgres.available ? [.postgresql] : [])

    var testDescription: String { rawValue }
}

/// The PostgreSQL server the tests use, from `$BROKER_TEST_POSTGRES`.
enum TestPostgres {
    static let uri: String? = {
        guard let value = getenv("BROKER_TEST_POSTGRES") else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }()

    static let isCI: Bool = getenv("CI").map { String(cString: $0) == "true" } ?? false

    static let available = uri != nil || isCI

    /// The URI, failing the test when it is missing (under CI).
    static func requireURI() throws -> String {
        try #require(uri, "BROKER_TEST_POSTGRES must be set under CI (scripts/test.sh starts the cluster)")
    }

    /// `uri` with every connection's `search_path` set to `schema`.
    static func uri(_ base: String, schema: String) -> String {
        base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
    }
}

/// The store methods beyond ``MarketStore`` that the store tests read, which both backends have.
protocol InspectableStore: MarketStore {
    func measuredLatency(provider: String, servedBy: String, model: String, recent: Int) throws -> MeasuredLatency?
    func recentAttempts(provider: String, servedBy: String, model: String, limit: Int) throws -> [(ok: Bool, at: Int64)]
    func offerCounts() throws -> [String: Int]
    func removeProvider(_ provider: String) throws
    func lastRefresh(provider: String) throws -> RefreshRun?
    func computePriceHistory(source: String, offerID: String) throws -> [(
        at: Int64, currency: String, old: Int64?, new: Int64?
    )]
    func appliedMigrations() throws -> [String]
    func addKeySpending(_ amounts: [String: Int64], nowMs: Int64) throws
}

extension InspectableStore {
    func measuredLatency(provider: String, servedBy: String, model: String) throws -> MeasuredLatency? {
        try measuredLatency(provider: provider, servedBy: servedBy, model: model, recent: 100)
    }
}

extension MarketplaceStore: InspectableStore {}
extension PostgresMarketStore: InspectableStore {}

/// A fresh, empty store of one backend for one test: a SQLite file in a temporary directory,
/// or a PostgreSQL schema of its own (dropped when the test ends), so tests run in parallel.
final class TestStore: @unchecked Sendable {
    // @unchecked: every property is immutable after init.
    let store: any InspectableStore
    /// Where the store is, as `--store` takes it (a file path or a URI).
    let location: String
    private let directory: StoreTempDirectory?
    private let schema: String?

    init(_ backend: StoreBackend) throws {
        switch backend {
        case .sqlite:
            let directory = try StoreTempDirectory()
            self.directory = directory
            self.schema = nil
            self.location = directory.file()
            self.store = try MarketplaceStore(path: location)
        case .postgresql:
            let base = try TestPostgres.requireURI()
            let schema = "t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            try PostgresConnection(uri: base).execute("CREATE SCHEMA \(schema)")
            self.directory = nil
            self.schema = schema
            self.location = TestPostgres.uri(base, schema: schema)
            self.store = try PostgresMarketStore(uri: location)
        }
    }

    /// Opens another store on the same database (a second process or instance).
    func reopen() throws -> any InspectableStore {
        schema == nil ? try MarketplaceStore(path: location) : try PostgresMarketStore(uri: location)
    }

    /// The rows in `table`, read behind the store's back.
    func rowCount(_ table: String) throws -> Int64 {
        if let schema, let base = TestPostgres.uri {
            return try PostgresConnection(uri: base).firstRow("SELECT count(*) FROM \(schema).\(table)") {
                try $0.int64(0)
            } ?? -1
        }
        return try SQLiteConnection(path: location).firstRow("SELECT count(*) FROM \(table)") { $0.int64(0) } ?? -1
    }

    /// Renames `table` behind the store's back: stands for a damaged store.
    func lose(_ table: String) throws {
        if let schema, let base = TestPostgres.uri {
            try PostgresConnection(uri: base).execute("ALTER TABLE \(schema).\(table) RENAME TO \(table)_lost")
        } else {
            try SQLiteConnection(path: location, busyTimeoutMs: 1_000).execute(
                "ALTER TABLE \(table) RENAME TO \(table)_lost")
        }
    }

    deinit {
        if let schema, let base = TestPostgres.uri {
            try? PostgresConnection(uri: base).execute("DROP SCHEMA \(schema) CASCADE")
        }
    }
}
