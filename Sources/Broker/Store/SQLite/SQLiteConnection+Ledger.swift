import CSQLite

extension SQLiteConnection {
    /// Makes this connection report the log's size to `size` after each commit, instead of
    /// checkpointing itself when the log passes 1000 pages: its commits never pay for a
    /// checkpoint, and its owner checkpoints (``checkpointPassively()``, from another
    /// connection) when it suits. `size` must outlive the connection's commits.
    func reportWALSize(to size: LedgerLogSize) {
        sqlite3_wal_hook(
            handle,
            { context, _, _, pages in
                guard let context else { return SQLITE_OK }
                Unmanaged<LedgerLogSize>.fromOpaque(context).takeUnretainedValue().pages.store(
                    Int(pages), ordering: .relaxed)
                return SQLITE_OK
            }, Unmanaged.passUnretained(size).toOpaque())
    }

    /// Sets how long a write waits for another connection's lock before failing with `SQLITE_BUSY`.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Copies what it can of the write-ahead log into the database without waiting for, or
    /// holding up, readers and writers (a PASSIVE checkpoint).
    func checkpointPassively() throws {
        try execute("PRAGMA wal_checkpoint(PASSIVE)")
    }
}

extension SQLiteConnection: LedgerConnection {
    /// Writes the ledger rows and key charges in one `BEGIN IMMEDIATE` transaction.
    public func writeLedger(_ records: [UsageRecord], charges: [String: Int64], nowMs: Int64, busyTimeoutMs: Int32)
        throws
    {
        setBusyTimeout(milliseconds: busyTimeoutMs)
        try inTransaction(.immediate) {
            try addKeySpendingRows(charges, nowMs: nowMs)
            _ = try insertUsageRows(records)
        }
    }

    /// A PASSIVE checkpoint: copies what it can of the log without waiting for readers or writers.
    public func maintain() throws {
        try checkpointPassively()
    }
}

extension MarketplaceStore {
    /// The store's busy timeout.
    public nonisolated var ledgerBusyTimeoutMs: Int32 { busyTimeoutMs }

    /// A connection of its own to the store's file, whose commits report the log's size to
    /// `size` instead of checkpointing.
    public nonisolated func openLedgerConnection(reportingLogTo size: LedgerLogSize) throws -> any LedgerConnection {
        let db = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
        db.reportWALSize(to: size)
        return db
    }
}
