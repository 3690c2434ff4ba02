import ProviderInterface

extension MarketplaceStore {
    /// Records one attempt in the usage ledger.
    ///
    /// Returns `false` when the same `(requestID, attempt)` was already recorded: a
    /// retried write never counts a request, or its cost, twice.
    @discardableResult
    public func recordUsage(_ record: UsageRecord) throws -> Bool {
        try db.inTransaction(.immediate) { try insertUsageRow(record) }
    }

    /// Inserts one ledger row inside the caller's transaction; `false` when already recorded.
    func insertUsageRow(_ record: UsageRecord) throws -> Bool {
        try insertUsageRows([record]) == 1
    }

    /// Inserts ledger rows, up to 32 per statement, inside the caller's transaction,
    /// skipping those already recorded; returns how many were new.
    func insertUsageRows(_ records: [UsageRecord]) throws -> Int {
        try db.insertPipelined(
            count: records.count, columns: UsageColumns.names.count,
            sql: { UsageColumns.insertSQL(rows: $0) }
        ) { range, rows in
            for record in records[range] { UsageColumns.encode(record, into: &rows) }
        }
    }

    /// Ledger totals since `sinceMs`, one row per group key, ordered by key.
    ///
    /// `requests` counts request ids (a request that failed over is one request in the
    /// group of each offer it tried), `attempts` every ledger row and `errors` the failed
    /// ones. Tokens and costs are summed as SQLite integers, exactly (an overflow is an
    /// error, never a wrapped value); the nano-USD figure is rounded once, from the pico sum.
    public func usage(sinceMs: Int64, by grouping: UsageGrouping) throws -> [UsageRow] {
        let key =
            switch grouping {
            case .provider: "provider"
            case .model: "model"
            case .day: "strftime('%Y-%m-%d', at / 1000, 'unixepoch')"
            case .servedBy: "coalesce(upstream, served_by)"
            }
        return try usageRows(key: key, sinceMs: sinceMs)
    }

    /// The whole ledger since `sinceMs` as one row keyed `total`, or `nil` when it is empty.
    /// Its `requests` counts each request once, however many groups its attempts fall in.
    public func usageTotal(sinceMs: Int64) throws -> UsageRow? {
        try usageRows(key: "'total'", sinceMs: sinceMs).first
    }

    private func usageRows(key: String, sinceMs: Int64) throws -> [UsageRow] {
        try db.rows(
            """
            SELECT \(key) AS k, count(DISTINCT request_id), count(*), sum(outcome <> 'ok'),
                coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), sum(cost_pico), sum(outcome = 'sent')
            FROM usage WHERE at >= ? GROUP BY k ORDER BY k
            """, [.integer(sinceMs)]
        ) { s in
            var row = UsageRow(
                key: s.text(0), requests: Int(s.int64(1)), attempts: Int(s.int64(2)), errors: Int(s.int64(3)),
                inputTokens: s.int64(4), outputTokens: s.int64(5), costPicoUSD: s.optionalInt64(6))
            row.unknownOutcomes = Int(s.int64(7))
            return row
        }
    }

    /// The broker's own figures for one offer, from its `recent` latest successful
    /// attempts; `nil` when it has none.
    public func measuredLatency(
        provider: String, servedBy: String, model: String, recent: Int = 100
    ) throws -> MeasuredLatency? {
        let rows = try db.rows(
            """
            SELECT latency_ms, first_token_ms, output_tokens FROM usage
            WHERE provider = ? AND served_by = ? AND model = ? AND outcome = 'ok'
            ORDER BY at DESC, id DESC LIMIT ?
            """, [.text(provider), .text(servedBy), .text(model), .int(max(1, recent))]
        ) { s in MeasuredAttempt(latencyMs: s.int64(0), firstTokenMs: s.optionalInt64(1), outputTokens: s.optionalInt64(2)) }
        return MeasuredLatency(attempts: rows)
    }
}
