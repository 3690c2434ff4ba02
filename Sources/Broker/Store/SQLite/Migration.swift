/// One named schema change, applied once per database.
public struct Migration: Sendable {
    /// The name recorded in `schema_migrations`; never rename a shipped migration.
    public var name: String
    /// The change, run inside the migration's transaction.
    public var apply: @Sendable (SQLiteConnection) throws -> Void
    /// The SQL it runs, for a migration of fixed SQL: what the PostgreSQL store translates.
    public var sql: String?

    /// A migration running arbitrary code.
    public init(_ name: String, apply: @escaping @Sendable (SQLiteConnection) throws -> Void) {
        self.name = name
        self.apply = apply
    }

    /// A migration running fixed SQL (one or more statements).
    public init(_ name: String, sql: String) {
        self.init(name) { try $0.execute(sql) }
        self.sql = sql
    }
}

/// Applies named migrations in order, each once and each in its own transaction.
///
/// Applied names are kept in `schema_migrations`. The check happens inside the
/// migration's `BEGIN IMMEDIATE` transaction, so two processes opening a new store at the
/// same time apply each migration exactly once.
public struct Migrator: Sendable {
    /// The migrations, in the order they apply.
    public var migrations: [Migration]

    /// A migrator for `migrations`, applied in array order.
    public init(_ migrations: [Migration]) { self.migrations = migrations }

    /// Applies every migration not yet recorded; returns the names it applied.
    @discardableResult
    public func migrate(_ db: SQLiteConnection) throws -> [String] {
        // A store that is up to date is only read: opening it needs no write lock, so a command
        // does not wait on (or fail behind) another process that holds the store.
        if let done = try? Set(Self.appliedMigrations(db)), migrations.allSatisfy({ done.contains($0.name) }) {
            return []
        }
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)"
        )
        var applied: [String] = []
        for migration in migrations {
            let didApply = try db.inTransaction(.immediate) { () throws -> Bool in
                let done = try db.firstRow("SELECT 1 FROM schema_migrations WHERE name = ?", [.text(migration.name)]) {
                    _ in true
                }
                guard done == nil else { return false }
                try migration.apply(db)
                try db.run(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
                    [.text(migration.name)])
                return true
            }
            if didApply { applied.append(migration.name) }
        }
        return applied
    }

    /// The names recorded as applied, in the order they were applied.
    public static func appliedMigrations(_ db: SQLiteConnection) throws -> [String] {
        try db.rows("SELECT name FROM schema_migrations ORDER BY rowid") { $0.text(0) }
    }
}
