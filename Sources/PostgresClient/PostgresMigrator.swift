/// Applies named migrations in order, each once and each in its own transaction, on a
/// database that several instances may open at the same moment.
///
/// Applied names are kept in `schema_migrations` (in the connection's `search_path`). Every
/// migration's transaction first takes a transaction-level advisory lock
/// (``PostgresMigrator/lockKey``), waiting for an instance that is migrating, and only then
/// checks whether the migration is recorded: two instances started together apply each
/// migration exactly once, and the later one sees the earlier one's work. PostgreSQL's DDL is
/// transactional, so a failing migration leaves no trace and is tried again next time.
public struct PostgresMigrator: Sendable {
    /// The migrations, in the order they apply.
    public var migrations: [PostgresMigration]

    /// The advisory lock that serialises migrating instances.
    public static let lockKey = PostgresConnection.advisoryKey(for: "broker:schema_migrations")

    /// A migrator for `migrations`, applied in array order.
    public init(_ migrations: [PostgresMigration]) { self.migrations = migrations }

    /// Applies every migration not yet recorded; returns the names this call applied.
    @discardableResult
    public func migrate(_ db: PostgresConnection) throws -> [String] {
        // An up-to-date database is only read: no lock, no wait behind another instance.
        if let done = try? Set(Self.appliedMigrations(db)), migrations.allSatisfy({ done.contains($0.name) }) {
            return []
        }
        try db.inTransaction {
            // Under the lock: two instances creating the table at once would otherwise race
            // in PostgreSQL's catalog (a unique violation on pg_type) despite IF NOT EXISTS.
            try db.run("SELECT pg_advisory_xact_lock($1)", [.integer(Self.lockKey)])
            try db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (position bigserial, name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        }
        var applied: [String] = []
        for migration in migrations {
            let didApply = try db.inTransaction { () throws -> Bool in
                try db.run("SELECT pg_advisory_xact_lock($1)", [.integer(Self.lockKey)])
                let done = try db.firstRow("SELECT 1 FROM schema_migrations WHERE name = $1", [.text(migration.name)]) {
                    _ in true
                }
                guard done == nil else { return false }
                try migration.apply(db)
                try db.run("INSERT INTO schema_migrations (name) VALUES ($1)", [.text(migration.name)])
                return true
            }
            if didApply { applied.append(migration.name) }
        }
        return applied
    }

    /// The names recorded as applied, in the order they were applied.
    public static func appliedMigrations(_ db: PostgresConnection) throws -> [String] {
        try db.rows("SELECT name FROM schema_migrations ORDER BY position") { try $0.text(0) }
    }
}
