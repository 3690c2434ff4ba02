extension MarketplaceStore {
    /// Routing's read of a market: the offers matching `query`, each with its measured figures
    /// (from its `recent` latest successful attempts) and its latest `attemptWindow` attempts
    /// (for the circuit breaker), and the reference rates when an offer is priced in another
    /// currency than USD.
    ///
    /// One call and one read transaction, so routing costs one store round trip however many
    /// offers a model has, and everything it reads is from the same snapshot.
    /// - Throws: the store's error when any of it cannot be read (never an empty market).
    public func marketSnapshot(_ query: MarketQuery, attemptWindow: Int, recent: Int = 100) throws -> MarketSnapshot {
        try db.inTransaction(.deferred) {
            try MarketSnapshot.reading(
                try readOffers(query), measured: { try readMeasuredLatency($0, recent: recent) },
                attempts: { try readRecentAttempts($0, limit: attemptWindow) }, rates: { try readExchangeRates() })
        }
    }
}
