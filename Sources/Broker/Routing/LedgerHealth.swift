/// How the ledger's writes are going: ``LedgerWriter/health``.
public struct LedgerHealth: Sendable, Equatable {
    /// Commits that failed since the writer started (each was, or will be, written again).
    public var failedCommits = 0
    /// The last failure, as the store described it; nil when none failed.
    public var lastFailure: String?
    /// Attempts waiting for a commit after the last write (0 when it succeeded and nothing came since).
    public var queued = 0
    /// Client keys whose charges (spending by key name) wait for the store while its commits
    /// fail: `broker serve` keeps them here, one sum per key, until the store is back.
    public var queuedCharges = 0
    /// The last commit failed and a retry is on its way.
    public var retrying = false
    /// Attempts given up, the oldest first, because more than `maxQueued` waited on a failing store.
    public var droppedAttempts = 0
    /// Key charges given up because they would take a key's spending past 2^63 pico-USD.
    public var droppedCharges = 0

    /// No failures, nothing queued.
    public init() {}
}
