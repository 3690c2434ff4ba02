extension MarketplaceStore {
    /// The offers matching `query`, filtered and ordered in SQL.
    ///
    /// Unless ``MarketQuery/includeStale`` is set, offers refreshed more than two refresh
    /// intervals before ``MarketQuery/nowMs`` are left out; use
    /// ``MarketQuery/isStale(_:)`` to mark the ones returned.
    public func queryOffers(_ query: MarketQuery) throws -> [Offer] {
        let built = MarketQuerySQL(query)
        return try db.rows(built.sql, built.arguments, OfferColumns.read)
    }

    /// SQLite's plan for `query`, one line per step, for benchmarks and tests that check
    /// an index is used.
    public func queryPlan(_ query: MarketQuery) throws -> [String] {
        let built = MarketQuerySQL(query)
        return try db.rows("EXPLAIN QUERY PLAN " + built.sql, built.arguments) { $0.text(3) }
    }
}
