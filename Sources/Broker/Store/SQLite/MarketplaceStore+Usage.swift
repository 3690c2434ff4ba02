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
        try db.insertUsageRows(records)
    }

    /// The SQL key of a grouping.
    static func groupKey(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .provider: "provider"
        case .model: "model"
        case .day: "strftime('%Y-%m-%d', at / 1000, 'unixepoch')"
        case .servedBy: "coalesce(upstream, served_by)"
        case .region: "coalesce(region, 'unknown')"
        }
    }

    /// Answered requests since `sinceMs`, per group key: what they cost against the cheapest
    /// offer that fitted each at the time, for the same tokens, in pico-USD, summed exactly.
    public func savings(sinceMs: Int64, by grouping: UsageGrouping) throws -> [SavingsRow] {
        try db.rows(
            """
            SELECT \(Self.groupKey(grouping)) AS k,
                sum(cost_pico IS NOT NULL AND cheapest_pico IS NOT NULL),
                coalesce(sum(CASE WHEN cheapest_pico IS NOT NULL THEN cost_pico END), 0),
                coalesce(sum(CASE WHEN cost_pico IS NOT NULL THEN cheapest_pico END), 0),
                sum(cost_pico IS NULL OR cheapest_pico IS NULL)
            FROM usage WHERE at >= ? AND outcome = 'ok' GROUP BY k ORDER BY k
            """, [.integer(sinceMs)]
        ) { s in
            SavingsRow(
                key: s.text(0), requests: Int(s.int64(1)), paidPicoUSD: s.int64(2), cheapestPicoUSD: s.int64(3),
                unknown: Int(s.int64(4)))
        }
    }

    /// Ledger totals since `sinceMs`, one row per group key and currency, ordered by key
    /// then currency: euros are never added to dollars.
    ///
    /// `requests` counts request ids (a request that failed over is one request in the
    /// group of each offer it tried), `attempts` every ledger row and `errors` the failed
    /// ones. Tokens and costs are summed as SQLite integers, exactly (an overflow is an
    /// error, never a wrapped value); the nano figures are rounded once, from the pico sums.
    /// With `then`, each group is split again by a second key (``UsageRow/subkey``): spend per
    /// day by provider.
    public func usage(sinceMs: Int64, by grouping: UsageGrouping, then: UsageGrouping? = nil) throws -> [UsageRow] {
        try usageRows(key: Self.groupKey(grouping), second: then.map(Self.groupKey), sinceMs: sinceMs)
    }

    /// The whole ledger since `sinceMs` keyed `total`, one row per currency (empty when the
    /// ledger is). Its `requests` counts each request once, however many groups its attempts
    /// fall in.
    public func usageTotal(sinceMs: Int64) throws -> [UsageRow] {
        try usageRows(key: "'total'", second: nil, sinceMs: sinceMs)
    }

    private func usageRows(key: String, second: String?, sinceMs: Int64) throws -> [UsageRow] {
        try db.rows(
            """
            SELECT k, count(DISTINCT request_id), count(*), sum(outcome <> 'ok'), coalesce(sum(input_tokens), 0),
                coalesce(sum(output_tokens), 0), CASE WHEN count(cost_pico) = count(native) THEN sum(cost_pico) END,
                currency, sum(native), group_concat(DISTINCT price_basis), k2, sum(outcome = 'sent')
            FROM (SELECT \(key) AS k, \(second ?? "''") AS k2, *,
                    coalesce(cost_native_pico, CASE WHEN currency = 'USD' THEN cost_pico END) AS native
                FROM usage WHERE at >= ?)
            GROUP BY k, k2, currency ORDER BY k, k2, currency
            """, [.integer(sinceMs)]
        ) { s in
            var row = UsageRow(
                key: s.text(0), requests: Int(s.int64(1)), attempts: Int(s.int64(2)), errors: Int(s.int64(3)),
                inputTokens: s.int64(4), outputTokens: s.int64(5), costPicoUSD: s.optionalInt64(6), currency: s.text(7),
                costPico: s.optionalInt64(8),
                priceBases: (s.optionalText(9) ?? "").split(separator: ",").map(String.init).sorted())
            row.subkey = second == nil ? nil : s.text(10)
            row.unknownOutcomes = Int(s.int64(11))
            return row
        }
    }

    /// The broker's own figures for one offer, from its `recent` latest successful
    /// attempts; `nil` when it has none.
    public func measuredLatency(
        provider: String, servedBy: String, model: String, recent: Int = 100
    ) throws -> MeasuredLatency? {
        try readMeasuredLatency(OfferKey(provider: provider, servedBy: servedBy, model: model), recent: recent)
    }

    /// The figures of the offer `key`, read in the caller's transaction.
    func readMeasuredLatency(_ key: OfferKey, recent: Int) throws -> MeasuredLatency? {
        let rows = try db.rows(
            """
            SELECT latency_ms, first_token_ms, output_tokens FROM usage
            WHERE provider = ? AND served_by = ? AND model = ? AND outcome = 'ok'
            ORDER BY at DESC, id DESC LIMIT ?
            """, [.text(key.provider), .text(key.servedBy), .text(key.model), .int(max(1, recent))]
        ) { s in
            MeasuredAttempt(latencyMs: s.int64(0), firstTokenMs: s.optionalInt64(1), outputTokens: s.optionalInt64(2))
        }
        return MeasuredLatency(attempts: rows)
    }

    /// Records many attempts, and what client keys spent (pico-USD by key name), in one
    /// transaction; attempts already recorded are skipped. Returns the attempts written.
    @discardableResult
    public func recordUsage(batch: [UsageRecord], charges: [String: Int64] = [:]) throws -> Int {
        guard !batch.isEmpty || !charges.isEmpty else { return 0 }
        return try db.inTransaction(.immediate) {
            try addKeySpendingRows(charges, nowMs: Timestamp.nowMs())
            return try insertUsageRows(batch)
        }
    }
}

extension SQLiteConnection {
    /// Inserts ledger rows, up to 32 per statement, inside the caller's transaction,
    /// skipping those already recorded; returns how many were new. (The ledger writer's own
    /// connection uses it too.)
    func insertUsageRows(_ records: [UsageRecord]) throws -> Int {
        try insertPipelined(
            count: records.count, columns: UsageColumns.names.count,
            sql: { UsageColumns.insertSQL(rows: $0) }
        ) { range, rows in
            for record in records[range] { UsageColumns.encode(record, into: &rows) }
        }
    }
}
