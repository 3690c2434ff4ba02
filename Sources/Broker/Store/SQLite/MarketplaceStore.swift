/// The marketplace store and usage ledger on SQLite (the embedded ``MarketStore``): one
/// database, one connection, confined to this actor.
///
/// Several broker processes may use the same file at once: every write is a
/// `BEGIN IMMEDIATE` transaction that waits out the other's lock (the busy timeout), and
/// WAL lets readers read while a writer writes. The actor runs on its own dispatch queue
/// so those waits never block Swift's cooperative threads.
///
/// Times are Unix milliseconds passed in by the caller, so tests control the clock.
public actor MarketplaceStore: MarketStore {
    private let executor: SerialQueueExecutor
    /// The one connection; every operation runs on this actor.
    let db: SQLiteConnection
    /// The database path.
    public nonisolated let path: String
    /// How long a write waits for another connection's lock, in milliseconds.
    nonisolated let busyTimeoutMs: Int32
    /// The `refresh_runs` rows this store value wrote, which ``offerChanges()`` does not report
    /// (its own process already knows of them).
    var ownRefreshRows = Set<Int64>()

    /// The store's own serial queue, so SQLite's busy waits never block Swift's
    /// cooperative threads.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Opens the store at `path`, creating its directory (0700) and file (0600) when
    /// missing, and applies any pending migrations.
    ///
    /// - Parameter busyTimeoutMs: how long a write waits for another process's lock.
    public init(path: String, busyTimeoutMs: Int32 = 5_000) throws {
        try StoreFile.prepare(path)
        let connection = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
        try Migrator(StoreSchema.migrations).migrate(connection)
        self.executor = SerialQueueExecutor(label: "broker.store")
        self.db = connection
        self.path = path
        self.busyTimeoutMs = busyTimeoutMs
    }

    /// The store path the CLI uses: `$BROKER_STORE`, else
    /// `${XDG_DATA_HOME:-~/.local/share}/broker/market.sqlite3`.
    public static func defaultPath(environment: [String: String]) -> String {
        StoreFile.defaultPath(environment: environment)
    }

    /// The names of the applied migrations, in order.
    public func appliedMigrations() throws -> [String] {
        try Migrator.appliedMigrations(db)
    }

    /// The bytes the connection's page cache holds now (bounded by
    /// ``SQLiteConnection/defaultPageCacheKiB`` outside a catalog replacement).
    var pageCacheBytes: Int { db.pageCacheBytes }

    /// Copies the write-ahead log into the database file and truncates it, so the file
    /// alone holds everything (for backups and size figures).
    public func checkpoint() throws {
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
