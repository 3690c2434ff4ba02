/// How a transaction takes its locks.
public enum TransactionKind: String, Sendable {
    /// Takes no lock until the first read or write. For read-only work.
    case deferred = "DEFERRED"
    /// Takes the write lock at once, waiting out the busy timeout. For every write: a
    /// deferred transaction that later writes cannot be rescued by the timeout.
    case immediate = "IMMEDIATE"
}

extension SQLiteConnection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// The first error wins: when `body` throws, that error is rethrown even if the
    /// rollback fails too. When the commit fails, the transaction is rolled back and the
    /// commit's error is thrown. Transactions do not nest.
    public func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue) TRANSACTION")
        let result: T
        do {
            result = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT TRANSACTION")
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    /// Rolls back the open transaction, if SQLite has not already done so; errors here
    /// never replace the error that caused the rollback.
    private func rollbackQuietly() {
        guard isInTransaction else { return }
        try? execute("ROLLBACK TRANSACTION")
    }
}
