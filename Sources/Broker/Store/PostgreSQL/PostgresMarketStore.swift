import PostgresClient
import Synchronization

/// The marketplace store and usage ledger on PostgreSQL (`--store postgresql://…`): the
/// shared ``MarketStore`` several broker instances can use at once.
///
/// It behaves as ``MarketplaceStore`` does (same results, same order, exact integer money):
/// the schema is SQLite's migrations translated (``PostgresStoreSchema``), the market and
/// compute queries are the same SQL, and offers are written by the same rules.
///
/// One connection, confined to this actor, which runs on a dispatch queue of its own: libpq
/// blocks while the server answers, and that must never block Swift's cooperative threads.
/// Reads run in one `REPEATABLE READ` transaction (one snapshot); a write that reads before it
/// writes (a catalog replace, exchange rates) first takes a transaction-level advisory lock
/// named after what it replaces, so two instances never interleave the same replace. A lost
/// connection fails the call with a temporary ``PostgresStoreError`` and is re-opened by the
/// next call.
public actor PostgresMarketStore: MarketStore {
    private let executor: SerialQueueExecutor
    /// The one connection; every operation runs on this actor.
    let db: PostgresConnection
    /// The store's URI as users may see it: without its password.
    public nonisolated let path: String
    /// The URI, password included, for the ledger writer's own connections (its description
    /// has no password).
    nonisolated let uri: PostgresURI
    /// The schema the store's tables live in (`current_schema()`): advisory-lock keys and the
    /// notification channel name it, since both are shared by the whole database.
    nonisolated let schema: String
    /// The connection's session, counted from 1: a reconnect starts a new one, in which the
    /// previous session's advisory locks are no longer held.
    var session: Int64 = 1
    /// The providers this store's session holds the refresh claim of, with the session.
    var refreshClaims: [String: Int64] = [:]
    /// The server process of the current session, read by ``offerChanges()``'s listener thread
    /// to leave out this store's own notifications (its process already knows of them).
    nonisolated let sessionPID: Atomic<Int32>

    /// The store's own serial queue, so libpq's waits never block Swift's cooperative threads.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Connects to the database `uri` names (`postgresql://user:pass@host:port/db`) and
    /// applies any pending migrations (once, whichever instance gets there first).
    ///
    /// - Throws: ``PostgresStoreError`` naming the store without its password.
    public init(uri: String) throws {
        let parsed: PostgresURI
        do {
            parsed = try PostgresURI(uri)
        } catch let error as PostgresError {
            throw PostgresStoreError(error, store: nil)
        }
        let path = parsed.description
        do {
            let connection = try PostgresConnection(uri: parsed)
            try PostgresMigrator(PostgresStoreSchema.migrations).migrate(connection)
            self.schema = try connection.firstRow("SELECT current_schema()::text", []) { try $0.text(0) } ?? "public"
            self.db = connection
            self.sessionPID = Atomic(connection.backendPID)
        } catch let error as PostgresError {
            throw PostgresStoreError(error, store: path)
        }
        self.executor = SerialQueueExecutor(label: "broker.store.postgresql")
        self.path = path
        self.uri = parsed
    }

    /// How long a ledger commit on the writer's thread waits for a row lock another instance
    /// holds, in milliseconds.
    public nonisolated var ledgerBusyTimeoutMs: Int32 { 5_000 }

    /// A connection of its own to the same database for ``LedgerWriter``'s group commits;
    /// PostgreSQL has no log for it to report (`size` stays 0).
    public nonisolated func openLedgerConnection(reportingLogTo size: LedgerLogSize) throws -> any LedgerConnection {
        try PostgresLedgerConnection(uri: uri)
    }

    /// Whether `location` names a PostgreSQL store (`postgresql://…`, `postgres://…`) rather
    /// than a SQLite file.
    public static func isPostgresLocation(_ location: String) -> Bool {
        PostgresURI.isPostgresURI(location)
    }

    /// The names of the applied migrations, in order.
    public func appliedMigrations() throws -> [String] {
        try withConnection { try PostgresMigrator.appliedMigrations(db) }
    }

    /// Runs `body` on the connection (re-opened first when it was lost), turning the client's
    /// errors into store errors that name this store.
    func withConnection<T>(_ body: () throws -> T) throws -> T {
        if !db.isConnected {
            do {
                try db.reconnect()
                // The old session's advisory locks went with it: its refresh claims are void.
                session += 1
                refreshClaims.removeAll()
                sessionPID.store(db.backendPID, ordering: .relaxed)
            } catch let error as PostgresError {
                // It connected before: the server is away for now (restarting, failing over).
                throw PostgresStoreError(error, store: path, temporary: true)
            }
        }
        do {
            return try body()
        } catch let error as PostgresError {
            throw PostgresStoreError(error, store: path)
        }
    }

    /// `body` in one read-only snapshot.
    func read<T>(_ body: () throws -> T) throws -> T {
        try withConnection { try db.inTransaction(.repeatableRead, body) }
    }

    /// Rewrites rows of `table` by id, in the caller's transaction: `rows` hold `columns` then
    /// the row's id. The new values go by `COPY` into a temporary table dropped at commit, then
    /// one `UPDATE … FROM` writes them all: a refresh that moved every price costs two
    /// statements, not one per row.
    func updateRows(_ table: String, columns: [String], _ rows: [[PostgresValue]]) throws {
        guard !rows.isEmpty else { return }
        let staging = "broker_\(table)_updates"
        try db.execute("CREATE TEMPORARY TABLE \(staging) (LIKE \(table)) ON COMMIT DROP")
        try db.copyRows(into: staging, columns: columns + ["id"], rows)
        try db.execute(
            "UPDATE \(table) SET " + columns.map { "\($0) = u.\($0)" }.joined(separator: ", ")
                + " FROM \(staging) AS u WHERE \(table).id = u.id")
    }

    /// `body` in one write transaction; with `lock`, after taking the advisory lock of that
    /// name for the transaction (writers of the same thing wait for each other).
    func write<T>(lock: String? = nil, _ body: () throws -> T) throws -> T {
        try withConnection {
            try db.inTransaction(.readCommitted) {
                if let lock {
                    try db.run(
                        "SELECT pg_advisory_xact_lock($1)",
                        [.integer(PostgresConnection.advisoryKey(for: "broker:" + lock))])
                }
                return try body()
            }
        }
    }
}
