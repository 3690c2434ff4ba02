import Synchronization

/// How much a ledger connection's commits have left in the store's log for housekeeping to
/// fold in (SQLite: pages in the write-ahead log after the last commit, as its WAL hook reports
/// them; 0 for a backend with nothing to fold), read by the ledger writer to decide when
/// ``LedgerConnection/maintain()`` is due.
public final class LedgerLogSize: Sendable {
    /// Pages in the log, written by the committing thread.
    public let pages = Atomic<Int>(0)

    /// A size of nothing yet.
    public init() {}
}
