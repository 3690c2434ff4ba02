extension MarketplaceStore {
    /// The broker's own figures for every offer it has served, each from that offer's
    /// `recent` latest successful attempts in the ledger, exactly as
    /// ``measuredLatency(provider:servedBy:model:recent:)`` gives them for one offer.
    public func measuredFigures(recent: Int = 100) throws -> [OfferKey: MeasuredLatency] {
        var attempts: [OfferKey: [MeasuredAttempt]] = [:]
        _ = try db.cachedStatement(
            """
            SELECT provider, served_by, model, latency_ms, first_token_ms, output_tokens FROM (
                SELECT provider, served_by, model, latency_ms, first_token_ms, output_tokens,
                    row_number() OVER (PARTITION BY provider, served_by, model ORDER BY at DESC, id DESC) AS n
                FROM usage WHERE outcome = 'ok')
            WHERE n <= ?
            """
        ).rows([.int(max(1, recent))]) { s in
            let key = OfferKey(provider: s.text(0), servedBy: s.text(1), model: s.text(2))
            attempts[key, default: []].append(
                MeasuredAttempt(
                    latencyMs: s.int64(3), firstTokenMs: s.optionalInt64(4), outputTokens: s.optionalInt64(5)))
        }
        return attempts.compactMapValues(MeasuredLatency.init(attempts:))
    }
}
