import PostgresClient

/// A PostgreSQL store failure: the client's ``PostgresError`` with the store it came from
/// (the URI without its password), reported by the CLI and the server like any store error.
///
/// Temporary when waiting may help: a lost connection, a server shutting down or starting
/// up, a serialization failure or deadlock (``PostgresError/isRetryable``), and a connection
/// that cannot be re-opened after it was lost (the server is down or restarting). A first
/// connection that fails (no such host, password refused) is not: waiting will not fix it.
public struct PostgresStoreError: StoreBackendError, Sendable, Hashable {
    /// What the client reported.
    public var underlying: PostgresError
    /// The store, as ``PostgresMarketStore/path`` names it (never the password).
    public var store: String?

    /// Whether the same call may succeed later (the connection is re-opened on the next call).
    public var isTemporary: Bool

    /// The failure `underlying` of the store `store`; temporary when the client says a retry
    /// may succeed, or when `temporary` says so (a server that answered before and is away now).
    public init(_ underlying: PostgresError, store: String?, temporary: Bool = false) {
        self.underlying = underlying
        self.store = store
        self.isTemporary = temporary || underlying.isRetryable
    }

    /// The client's description, which holds no password and no bound value.
    public var description: String { underlying.description }
}
