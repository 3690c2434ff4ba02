/// One named schema change for a PostgreSQL database, applied once per database.
public struct PostgresMigration: Sendable {
    /// The name recorded in `schema_migrations`; never rename a shipped migration.
    public var name: String
    /// The change, run inside the migration's transaction.
    public var apply: @Sendable (PostgresConnection) throws -> Void

    /// A migration running arbitrary code.
    public init(_ name: String, apply: @escaping @Sendable (PostgresConnection) throws -> Void) {
        self.name = name
        self.apply = apply
    }

    /// A migration running fixed SQL (one or more statements, no parameters).
    public init(_ name: String, sql: String) {
        self.init(name) { try $0.execute(sql) }
    }
}
