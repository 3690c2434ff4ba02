extension MarketplaceStore {
    /// The broker's own figures for every offer it has served, from the ledger's successful
    /// attempts: count, mean latency, mean time to first token and output throughput (whole
    /// milliseconds and tokens per second).
    public func measuredFigures() throws -> [OfferKey: MeasuredLatency] {
        let rows = try db.rows(
            """
            SELECT provider, served_by, model, count(*), sum(latency_ms) / count(*),
                sum(first_token_ms) / nullif(count(first_token_ms), 0),
                sum(output_tokens), sum(max(1, latency_ms - coalesce(first_token_ms, 0)))
            FROM usage WHERE outcome = 'ok' GROUP BY provider, served_by, model
            """
        ) { s -> (OfferKey, MeasuredLatency) in
            let key = OfferKey(provider: s.text(0), servedBy: s.text(1), model: s.text(2))
            let mean = s.int64(4)
            let firstToken = s.optionalInt64(5)
            let tokens = s.optionalInt64(6)
            let generationMs = s.int64(7)
            let throughput = tokens.flatMap { t in t > 0 && generationMs > 0 ? t * 1000 / generationMs : nil }
            return (key, MeasuredLatency(
                samples: Int(s.int64(3)), medianLatencyMs: mean, averageLatencyMs: mean, medianFirstTokenMs: firstToken,
                medianOutputTokensPerSecond: throughput))
        }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }
}
