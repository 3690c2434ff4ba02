extension MarketplaceStore {
    private static let refreshColumns = "provider, status, models, offers, duration_ms, error, started_at"

    /// Records one provider's refresh, whatever its outcome.
    public func recordRefresh(_ run: RefreshRun) throws {
        try db.inTransaction(.immediate) {
            try db.run(
                "INSERT INTO refresh_runs (\(Self.refreshColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(run.provider), .text(run.status.rawValue), .int(run.models), .int(run.offers),
                    .integer(run.durationMs), .text(run.error), .integer(run.startedAt),
                ])
        }
        // Bounded: a process that never watches keeps a few rows, not one per refresh forever.
        if ownRefreshRows.count >= 4_096 { ownRefreshRows.removeAll() }
        ownRefreshRows.insert(db.lastInsertRowID)
    }

    /// The latest refresh of `provider`, or `nil` when it was never refreshed.
    public func lastRefresh(provider: String) throws -> RefreshRun? {
        try db.firstRow(
            "SELECT \(Self.refreshColumns) FROM refresh_runs WHERE provider = ? ORDER BY started_at DESC, id DESC LIMIT 1",
            [.text(provider)], Self.readRefresh)
    }

    /// The latest successful (`ok`) refresh of `provider`, by any process, or `nil`.
    public func lastSuccessfulRefresh(provider: String) throws -> RefreshRun? {
        try db.firstRow(
            """
            SELECT \(Self.refreshColumns) FROM refresh_runs WHERE provider = ? AND status = 'ok'
            ORDER BY started_at DESC, id DESC LIMIT 1
            """, [.text(provider)], Self.readRefresh)
    }

    /// The successful refreshes other store values recorded after the row `id`, as (id,
    /// provider), oldest first, and the latest row id seen: what ``offerChanges()`` polls for.
    func successfulRefreshes(after id: Int64) throws -> (rows: [(id: Int64, provider: String)], last: Int64) {
        let rows = try db.rows(
            "SELECT id, provider, status = 'ok' FROM refresh_runs WHERE id > ? ORDER BY id", [.integer(id)]
        ) { (id: $0.int64(0), provider: $0.text(1), ok: $0.int64(2) != 0) }
        let last = rows.last?.id ?? id
        let others = rows.filter { $0.ok && !ownRefreshRows.contains($0.id) }.map { ($0.id, $0.provider) }
        ownRefreshRows = ownRefreshRows.filter { $0 > last }
        return (others, last)
    }

    /// The id of the latest refresh row (0 when none).
    func latestRefreshID() throws -> Int64 {
        try db.firstRow("SELECT coalesce(max(id), 0) FROM refresh_runs", []) { $0.int64(0) } ?? 0
    }

    /// The latest refresh of every provider ever refreshed, ordered by provider key.
    public func lastRefreshes() throws -> [RefreshRun] {
        try db.rows(
            """
            SELECT \(Self.refreshColumns) FROM (SELECT DISTINCT provider AS p FROM refresh_runs)
            JOIN refresh_runs ON refresh_runs.id = (
                SELECT id FROM refresh_runs WHERE provider = p ORDER BY started_at DESC, id DESC LIMIT 1)
            ORDER BY provider
            """, [], Self.readRefresh)
    }

    private static func readRefresh(_ s: Statement) throws -> RefreshRun {
        let statusText = s.text(1)
        guard let status = RefreshStatus(rawValue: statusText) else {
            throw StoreError(
                .malformedRow, "refresh_runs.status holds \"\(statusText)\", which this version does not know")
        }
        return RefreshRun(
            provider: s.text(0), status: status, models: Int(s.int64(2)), offers: Int(s.int64(3)),
            durationMs: s.int64(4), error: s.optionalText(5), startedAt: s.int64(6))
    }
}
