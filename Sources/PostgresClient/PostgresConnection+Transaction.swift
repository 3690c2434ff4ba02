extension PostgresConnection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// The first error wins: when `body` throws, that error is rethrown even if the rollback
    /// fails too. When the commit fails, the transaction is rolled back and the commit's error
    /// is thrown. A transaction that a failed statement aborted (one whose error `body` caught
    /// and went on) is not reported as committed: PostgreSQL answers its `COMMIT` with a
    /// rollback, and this throws. Transactions do not nest.
    public func inTransaction<T>(_ isolation: PostgresIsolationLevel = .readCommitted, _ body: () throws -> T) throws
        -> T
    {
        try execute("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let result: T
        do {
            result = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        let commit: PostgresResult
        do {
            commit = try query("COMMIT", [])
        } catch {
            rollbackQuietly()
            throw error
        }
        guard commit.commandStatus == "COMMIT" else {
            throw PostgresError(
                code: .server, sqlState: "25P02",
                message: "the transaction was rolled back, not committed: a statement in it had failed",
                context: "running `COMMIT`")
        }
        return result
    }

    /// Rolls back the open transaction, if any; errors here never replace the error that
    /// caused the rollback (a lost connection has rolled back by itself).
    private func rollbackQuietly() {
        guard isInTransaction, isConnected else { return }
        try? execute("ROLLBACK")
    }
}
