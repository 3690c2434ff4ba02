extension MarketplaceStore {
    /// The offers matching `query`, filtered and ordered in SQL.
    ///
    /// Unless ``MarketQuery/includeStale`` is set, offers refreshed more than two refresh
    /// intervals before ``MarketQuery/nowMs`` are left out; use
    /// ``MarketQuery/isStale(_:)`` to mark the ones returned.
    public func queryOffers(_ query: MarketQuery) throws -> [Offer] {
        // One read transaction: the refresh times and the offers come from the same
        // snapshot even while another process commits a refresh.
        try db.inTransaction(.deferred) { try readOffers(query) }
    }

    /// The offers matching `query`, read in the caller's transaction.
    func readOffers(_ query: MarketQuery) throws -> [Offer] {
        let refreshed = try providerRefreshTimes()
        let built = try marketQuerySQL(query, refreshedAt: refreshed)
        return try db.rows(built.sql, built.arguments) { row in
            var offer = try OfferColumns.read(row)
            offer.refreshedAt = refreshed[offer.provider] ?? offer.refreshedAt
            return offer
        }
    }

    /// The SELECT for `query`, with the stored currencies and reference rates when it
    /// compares prices in USD (read in the caller's transaction).
    func marketQuerySQL(_ query: MarketQuery, refreshedAt: [String: Int64]) throws -> MarketQuerySQL {
        guard query.comparesInUSD else { return MarketQuerySQL(query, refreshedAt: refreshedAt) }
        let foreign = try db.rows("SELECT DISTINCT currency FROM offers WHERE currency <> 'USD' ORDER BY currency") {
            $0.text(0)
        }
        guard !foreign.isEmpty else { return MarketQuerySQL(query, refreshedAt: refreshedAt) }
        return MarketQuerySQL(query, refreshedAt: refreshedAt, foreign: foreign, rates: try readExchangeRates())
    }

    /// When each provider's offers were last replaced: every offer's refresh time.
    func providerRefreshTimes() throws -> [String: Int64] {
        let rows = try db.rows("SELECT key, replaced_at FROM providers WHERE replaced_at IS NOT NULL") {
            ($0.text(0), $0.int64(1))
        }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// SQLite's plan for `query`, one line per step, for benchmarks and tests that check
    /// an index is used.
    public func queryPlan(_ query: MarketQuery) throws -> [String] {
        let built = try marketQuerySQL(query, refreshedAt: try providerRefreshTimes())
        return try db.rows("EXPLAIN QUERY PLAN " + built.sql, built.arguments) { $0.text(3) }
    }
}
