import PostgresClient
import ProviderInterface

/// The ledger writer's own connection to a PostgreSQL store (``LedgerConnection``): group
/// commits of ledger rows and key charges, on whichever thread holds it, one at a time.
///
/// `busyTimeoutMs` becomes the transaction's `lock_timeout` (1 ms for "do not wait": 0 would
/// mean "wait forever" in PostgreSQL); a commit that runs out of it fails with SQLSTATE 55P03,
/// a temporary store error the writer retries on its own thread. A lost connection fails the
/// commit (temporary) and is re-opened by the next one.
final class PostgresLedgerConnection: LedgerConnection {
    private let db: PostgresConnection
    private let store: String

    init(uri: PostgresURI) throws {
        do {
            db = try PostgresConnection(uri: uri)
        } catch let error as PostgresError {
            throw PostgresStoreError(error, store: uri.description, temporary: true)
        }
        store = uri.description
    }

    func writeLedger(_ records: [UsageRecord], charges: [String: Int64], nowMs: Int64, busyTimeoutMs: Int32) throws {
        try withConnection {
            try db.inTransaction {
                try db.execute("SET LOCAL lock_timeout = '\(max(1, busyTimeoutMs))ms'")
                try db.addKeySpendingRows(charges, nowMs: nowMs)
                _ = try db.insertUsageRows(records)
            }
        }
    }

    func keySpending() throws -> [String: Int64] {
        try withConnection { try db.keySpending() }
    }

    /// Nothing to fold in: PostgreSQL's own checkpoints and autovacuum do the housekeeping.
    func maintain() throws {}

    private func withConnection<T>(_ body: () throws -> T) throws -> T {
        if !db.isConnected {
            do {
                try db.reconnect()
            } catch let error as PostgresError {
                throw PostgresStoreError(error, store: store, temporary: true)
            }
        }
        do {
            return try body()
        } catch let error as PostgresError {
            throw PostgresStoreError(error, store: store)
        }
    }
}
