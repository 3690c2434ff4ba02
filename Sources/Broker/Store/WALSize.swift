import Synchronization

/// The pages in a database's write-ahead log after a connection's last commit, as SQLite
/// reports them to that connection's WAL hook (see ``SQLiteConnection/reportWALSize(to:)``).
final class WALSize: Sendable {
    /// Pages in the log, written by the committing thread.
    let pages = Atomic<Int>(0)
}
