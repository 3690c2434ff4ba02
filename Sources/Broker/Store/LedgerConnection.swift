/// A blocking connection of its own on which ``LedgerWriter`` group-commits ledger rows and key
/// charges, from whichever thread holds it (one at a time): a caller's event loop when the
/// server is quiet, the writer's thread when it is busy. A backend opens them with
/// ``MarketStore/openLedgerConnection(reportingLogTo:)``; its SQL stays in the backend.
public protocol LedgerConnection: AnyObject {
    /// Writes `records` (skipping attempts already recorded, a `sent` row replaced by its
    /// attempt's own) and adds `charges` (pico-USD by key name) to the keys' spending, in one
    /// transaction, waiting at most `busyTimeoutMs` for another writer's lock.
    func writeLedger(_ records: [UsageRecord], charges: [String: Int64], nowMs: Int64, busyTimeoutMs: Int32) throws

    /// What each key has spent, pico-USD by key name.
    func keySpending() throws -> [String: Int64]

    /// The housekeeping the ledger's commits skip so that no answer waits for it (SQLite: a
    /// PASSIVE checkpoint of the write-ahead log), run from a second connection while the
    /// first goes on committing.
    func maintain() throws
}
