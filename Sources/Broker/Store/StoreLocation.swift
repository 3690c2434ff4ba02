import PostgresClient

/// Where a store is, as users give it (`--store`, `$BROKER_STORE`): a `postgresql://…` or
/// `postgres://…` URI opens the shared PostgreSQL store, anything else is a SQLite file path.
/// The one place that chooses the backend.
public enum StoreLocation {
    /// Whether `location` names a PostgreSQL store.
    public static func isPostgres(_ location: String) -> Bool {
        PostgresURI.isPostgresURI(location)
    }

    /// The backend `location` names, as `/health` and `/metrics` report it: `postgresql` or `sqlite`.
    public static func kind(_ location: String) -> String {
        isPostgres(location) ? "postgresql" : "sqlite"
    }

    /// Opens the store at `location` (creating a SQLite file, or migrating a PostgreSQL
    /// database, on first use).
    ///
    /// - Throws: a ``StoreBackendError`` naming the store without any password.
    public static func open(_ location: String) throws -> any MarketStore {
        if isPostgres(location) { return try PostgresMarketStore(uri: location) }
        return try MarketplaceStore(path: location)
    }

    /// `location` as messages may show it: a URI without its password (and without any
    /// option that might hold a secret); a file path as it is.
    public static func displayName(_ location: String) -> String {
        guard isPostgres(location) else { return location }
        return (try? PostgresURI(location).description) ?? "a PostgreSQL URI that cannot be parsed"
    }
}
