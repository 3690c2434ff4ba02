import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    /// Records one attempt; `false` when it was already recorded.
    @discardableResult
    public func recordUsage(_ record: UsageRecord) throws -> Bool {
        try write { try db.insertUsageRows([record]) == 1 }
    }

    /// Records many attempts, and what client keys spent, in one transaction; attempts already
    /// recorded are skipped. Returns the attempts written.
    @discardableResult
    public func recordUsage(batch: [UsageRecord], charges: [String: Int64]) throws -> Int {
        guard !batch.isEmpty || !charges.isEmpty else { return 0 }
        return try write {
            try db.addKeySpendingRows(charges, nowMs: Timestamp.nowMs())
            return try db.insertUsageRows(batch)
        }
    }

    /// What each client key has spent so far, in pico-USD, by key name.
    public func keySpending() throws -> [String: Int64] {
        try withConnection { try db.keySpending() }
    }

    /// Adds `amounts` (pico-USD by key name) to what those keys have spent, in one transaction.
    public func addKeySpending(_ amounts: [String: Int64], nowMs: Int64) throws {
        try write { try db.addKeySpendingRows(amounts, nowMs: nowMs) }
    }

    /// The SQL key of a grouping: as the SQLite store's, the day in UTC.
    static func groupKey(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .provider: "provider"
        case .model: "model"
        case .day: "to_char(to_timestamp(at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        case .servedBy: "coalesce(upstream, served_by)"
        case .region: "coalesce(region, 'unknown')"
        }
    }

    /// Ledger totals since `sinceMs`, one row per group key (split again by `then`) and currency.
    public func usage(sinceMs: Int64, by grouping: UsageGrouping, then: UsageGrouping?) throws -> [UsageRow] {
        try usageRows(key: Self.groupKey(grouping), second: then.map(Self.groupKey), sinceMs: sinceMs)
    }

    /// The whole ledger since `sinceMs`, one row per currency.
    public func usageTotal(sinceMs: Int64) throws -> [UsageRow] {
        try usageRows(key: "'total'::text", second: nil, sinceMs: sinceMs)
    }

    /// Sums are `numeric` in PostgreSQL: one that does not fit 64 bits fails to read, and is
    /// reported as the overflow it is (never a rounded value).
    private func usageRows(key: String, second: String?, sinceMs: Int64) throws -> [UsageRow] {
        try read {
            try Self.overflowChecked {
                try db.rows(
                    """
                    SELECT k, count(DISTINCT request_id), count(*), count(*) FILTER (WHERE outcome <> 'ok'),
                        coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
                        CASE WHEN count(cost_pico) = count(native) THEN sum(cost_pico) END,
                        currency, sum(native), string_agg(DISTINCT price_basis, ','), k2,
                        count(*) FILTER (WHERE outcome = 'sent')
                    FROM (SELECT \(key) AS k, \(second ?? "''::text") AS k2, usage.*,
                            coalesce(cost_native_pico, CASE WHEN currency = 'USD' THEN cost_pico END) AS native
                        FROM usage WHERE at >= $1) AS ledger
                    GROUP BY k, k2, currency ORDER BY k, k2, currency
                    """, [.integer(sinceMs)]
                ) { s in
                    var row = UsageRow(
                        key: try s.text(0), requests: try s.int(1), attempts: try s.int(2), errors: try s.int(3),
                        inputTokens: try s.int64(4), outputTokens: try s.int64(5), costPicoUSD: try s.optionalInt64(6),
                        currency: try s.text(7), costPico: try s.optionalInt64(8),
                        priceBases: (try s.optionalText(9) ?? "").split(separator: ",").map(String.init).sorted())
                    row.subkey = second == nil ? nil : try s.text(10)
                    row.unknownOutcomes = try s.int(11)
                    return row
                }
            }
        }
    }

    /// Answered requests since `sinceMs` per group key, against the cheapest offer that fitted each.
    public func savings(sinceMs: Int64, by grouping: UsageGrouping) throws -> [SavingsRow] {
        try read {
            try Self.overflowChecked {
                try db.rows(
                    """
                    SELECT \(Self.groupKey(grouping)) AS k,
                        count(*) FILTER (WHERE cost_pico IS NOT NULL AND cheapest_pico IS NOT NULL),
                        coalesce(sum(CASE WHEN cheapest_pico IS NOT NULL THEN cost_pico END), 0),
                        coalesce(sum(CASE WHEN cost_pico IS NOT NULL THEN cheapest_pico END), 0),
                        count(*) FILTER (WHERE cost_pico IS NULL OR cheapest_pico IS NULL)
                    FROM usage WHERE at >= $1 AND outcome = 'ok' GROUP BY k ORDER BY k
                    """, [.integer(sinceMs)]
                ) { s in
                    SavingsRow(
                        key: try s.text(0), requests: try s.int(1), paidPicoUSD: try s.int64(2),
                        cheapestPicoUSD: try s.int64(3), unknown: try s.int(4))
                }
            }
        }
    }

    /// A sum that does not fit in 64 bits reads as a decoding error: that is an overflow.
    private static func overflowChecked<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.code == .decoding {
            throw StoreError(.overflow, "a ledger sum would not fit in 64 bits (\(error.message))")
        }
    }

    /// Every attempt since `sinceMs`, oldest first.
    public func requestAttempts(sinceMs: Int64) throws -> [UsageRecord] {
        try read {
            try db.rows(
                """
                SELECT request_id, attempt, at, provider, served_by, model, task, input_tokens, output_tokens, cost_pico,
                    latency_ms, outcome, http_status, upstream, currency, cost_native_pico, price_basis, region, countries,
                    compliance
                FROM usage WHERE at >= $1 ORDER BY at, request_id, attempt
                """, [.integer(sinceMs)]
            ) { s in
                var record = UsageRecord(
                    requestID: try s.text(0), attempt: try s.int(1), at: try s.int64(2), provider: try s.text(3),
                    servedBy: try s.text(4), model: try s.text(5), task: ModelTask(try s.text(6)),
                    inputTokens: try s.optionalInt64(7), outputTokens: try s.optionalInt64(8),
                    costPicoUSD: try s.optionalInt64(9), latencyMs: try s.int64(10), outcome: try s.text(11),
                    httpStatus: try s.optionalInt(12), upstream: try s.optionalText(13))
                record.currency = try s.text(14)
                record.costPico = try s.optionalInt64(15)
                record.priceBasis = try s.optionalText(16)
                record.region = try s.optionalText(17).map { Region(rawValue: $0) ?? .unknown }
                record.countries = OfferColumns.decodeList(try s.optionalText(18) ?? "")
                record.compliance = OfferColumns.decodeList(try s.optionalText(19) ?? "").map(
                    ComplianceTag.init(rawValue:))
                return record
            }
        }
    }
}
