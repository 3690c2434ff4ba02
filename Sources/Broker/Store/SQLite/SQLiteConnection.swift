import CSQLite

/// One open SQLite database connection, in the manner of GRDB's `Database`.
///
/// Not `Sendable`: confine it to one owner (``MarketplaceStore`` is an actor holding
/// exactly one). Opening creates the file when missing and sets the pragmas every broker
/// connection relies on: WAL journaling (a reader works while a writer writes),
/// `synchronous=NORMAL`, a busy timeout (a second process waits for the lock instead of
/// failing) and foreign keys. Prepared statements are cached per SQL string.
public final class SQLiteConnection {
    /// The connection handle, closed in `deinit`.
    let handle: OpaquePointer
    /// The database path as opened.
    public let path: String
    private var statements: [String: Statement] = [:]
    /// Upper bound on cached statements; SQL built from filters varies, so the cache is bounded.
    private let statementCacheLimit = 128

    /// Opens (creating when missing) the database at `path`.
    ///
    /// - Parameter busyTimeoutMs: how long a write waits for another connection's lock
    ///   before failing with `SQLITE_BUSY`.
    public init(path: String, busyTimeoutMs: Int32 = 5_000) throws {
        _ = Self.configureLibrary
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(resultCode: rc, db: db, sql: nil)
            // A failed open may still allocate a handle that must be released.
            sqlite3_close_v2(db)
            throw error
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        // The timeout first: switching to WAL itself may wait for another opener.
        sqlite3_busy_timeout(db, busyTimeoutMs)
        // Only a new, empty database takes a page size, and only before WAL is on.
        try execute("PRAGMA page_size=16384")
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
        // A small page cache by default: the usage ledger only appends, so a big cache would
        // fill with rows never read again (a server's heap grew by 64 MiB that way). A
        // catalog replacement takes a big one for its transaction (``withPageCache(kibibytes:_:)``).
        // Mapping the file saves a read() per page on queries that scan.
        try setPageCache(kibibytes: Self.defaultPageCacheKiB)
        try execute("PRAGMA mmap_size=268435456")
        // Sorts and RETURNING results in memory, not in temporary files.
        try execute("PRAGMA temp_store=MEMORY")
    }

    /// The page cache a connection keeps between catalog replacements, in KiB.
    public static let defaultPageCacheKiB = 8_192

    /// Sets the most memory the connection's page cache may hold; lowering it frees the
    /// pages over the new limit at once.
    public func setPageCache(kibibytes: Int) throws {
        try execute("PRAGMA cache_size=-\(max(1, kibibytes))")
    }

    /// The bytes the connection's page cache holds now.
    public var pageCacheBytes: Int {
        var current: Int32 = 0
        var highest: Int32 = 0
        sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
        return Int(current)
    }

    /// Runs `body` with a page cache of up to `kibibytes`, then returns to the default (the
    /// cache's memory is given back even when `body` throws).
    public func withPageCache<T>(kibibytes: Int, _ body: () throws -> T) throws -> T {
        try setPageCache(kibibytes: kibibytes)
        defer { try? setPageCache(kibibytes: Self.defaultPageCacheKiB) }
        return try body()
    }

    /// Process-wide settings, applied once before the first connection opens.
    private static let configureLibrary: Void = {
        // Memory statistics take a global mutex on every SQLite allocation; the broker
        // never reads them. Fails harmlessly if SQLite was already initialised.
        _ = shim_sqlite3_config_memstatus(0)
    }()

    deinit {
        // Statements first; close_v2 would otherwise keep the handle as a zombie.
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that take no arguments (schema, pragmas).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard rc == SQLITE_OK else {
            var error = SQLiteError(resultCode: rc, db: handle, sql: sql)
            if let message { error.message = String(cString: message) }
            throw error
        }
    }

    /// A statement prepared once per SQL string and reused, reset and with cleared bindings.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statements[sql] {
            statement.reset()
            return statement
        }
        let statement = try makeStatement(sql)
        if statements.count >= statementCacheLimit { statements.removeAll(keepingCapacity: true) }
        statements[sql] = statement
        return statement
    }

    /// A new statement, not cached (finalized when released).
    public func makeStatement(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            sqlite3_finalize(stmt)
            throw SQLiteError(resultCode: rc == SQLITE_OK ? SQLITE_MISUSE : rc, db: handle, sql: sql)
        }
        return Statement(handle: stmt, sql: sql)
    }

    /// Runs `sql` with `arguments` and discards any rows.
    public func run(_ sql: String, _ arguments: [SQLiteValue] = []) throws {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        try statement.execute()
    }

    /// The rows of `sql` with `arguments`, each mapped by `row`.
    public func rows<T>(_ sql: String, _ arguments: [SQLiteValue] = [], _ row: (Statement) throws -> T) throws -> [T] {
        try cachedStatement(sql).rows(arguments, row)
    }

    /// The first row of `sql`, mapped by `row`, or `nil` when there is none.
    public func firstRow<T>(_ sql: String, _ arguments: [SQLiteValue] = [], _ row: (Statement) throws -> T) throws -> T?
    {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        return try statement.step() ? row(statement) : nil
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the most recent successful INSERT.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}

@available(*, unavailable, message: "Confine a connection to one owner, such as an actor")
extension SQLiteConnection: Sendable {}
