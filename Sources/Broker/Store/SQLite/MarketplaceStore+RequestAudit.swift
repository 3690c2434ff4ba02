import ProviderInterface

extension MarketplaceStore {
    /// Every attempt since `sinceMs`, oldest first, with where it was processed as its offer
    /// stood then: the record `broker audit requests` prints. Each attempt sent the request's
    /// data to its provider, so failed attempts are listed too.
    public func requestAttempts(sinceMs: Int64) throws -> [UsageRecord] {
        try db.rows(
            """
            SELECT request_id, attempt, at, provider, served_by, model, task, input_tokens, output_tokens, cost_pico,
                latency_ms, outcome, http_status, upstream, currency, cost_native_pico, price_basis, region, countries,
                compliance
            FROM usage WHERE at >= ? ORDER BY at, request_id, attempt
            """, [.integer(sinceMs)]
        ) { s in
            var record = UsageRecord(
                requestID: s.text(0), attempt: Int(s.int64(1)), at: s.int64(2), provider: s.text(3),
                servedBy: s.text(4),
                model: s.text(5), task: ModelTask(s.text(6)), inputTokens: s.optionalInt64(7),
                outputTokens: s.optionalInt64(8),
                costPicoUSD: s.optionalInt64(9), latencyMs: s.int64(10), outcome: s.text(11),
                httpStatus: s.optionalInt(12),
                upstream: s.optionalText(13))
            record.currency = s.text(14)
            record.costPico = s.optionalInt64(15)
            record.priceBasis = s.optionalText(16)
            record.region = s.optionalText(17).map { Region(rawValue: $0) ?? .unknown }
            record.countries = OfferColumns.decodeList(s.optionalText(18) ?? "")
            record.compliance = OfferColumns.decodeList(s.optionalText(19) ?? "").map(ComplianceTag.init(rawValue:))
            return record
        }
    }
}
