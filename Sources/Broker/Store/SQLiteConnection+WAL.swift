import CSQLite

extension SQLiteConnection {
    /// Makes this connection report the log's size to `size` after each commit, instead of
    /// checkpointing itself when the log passes 1000 pages: its commits never pay for a
    /// checkpoint, and its owner checkpoints (``checkpointPassively()``, from another
    /// connection) when it suits. `size` must outlive the connection's commits.
    func reportWALSize(to size: WALSize) {
        sqlite3_wal_hook(handle, { context, _, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALSize>.fromOpaque(context).takeUnretainedValue().pages.store(Int(pages), ordering: .relaxed)
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
