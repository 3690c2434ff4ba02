import PostgresClient

/// A PostgreSQL store failure: the client's ``PostgresError`` with the store it came from
/// (the URI without its password), reported by the CLI and the server like any store error.
///
/// Temporary when waiting may help: a lost connection, a server shutting down or starting
/// up, a serialization failure or deadlock (``PostgresError/isRetryable``).
public struct PostgresStoreError: StoreBackendError, Sendable, Hashable {
    /// What the client reported.
    public var underlying: PostgresError
    /// The store, as ``PostgresMarketStore/path`` names it (never the password).
    public var store: String?

    /// The failure `underlying` of the store `store`.
    public init(_ underlying: PostgresError, store: String?) {
        self.underlying = underlying
        self.store = store
    }

    /// Whether the same call may succeed later (the connection is re-opened on the next call).
    public var isTemporary: Bool { underlying.isRetryable }

    /// The client's description, which holds no password and no bound value.
    public var description: String { underlying.description }
}
