extension MarketplaceStore {
    /// The latest `limit` attempts of one offer, newest first.
    public func recentAttempts(provider: String, servedBy: String, model: String, limit: Int) throws -> [(
        ok: Bool, at: Int64
    )] {
        try readRecentAttempts(OfferKey(provider: provider, servedBy: servedBy, model: model), limit: limit)
    }

    /// The latest `limit` attempts of the offer `key`, newest first, in the caller's transaction.
    func readRecentAttempts(_ key: OfferKey, limit: Int) throws -> [(ok: Bool, at: Int64)] {
        try db.rows(
            """
            SELECT outcome = 'ok', at FROM usage WHERE provider = ? AND served_by = ? AND model = ? AND outcome <> 'sent'
            ORDER BY at DESC, attempt DESC LIMIT ?
            """, [.text(key.provider), .text(key.servedBy), .text(key.model), .int(limit)]
        ) { s in (ok: s.int64(0) != 0, at: s.int64(1)) }
    }
}
