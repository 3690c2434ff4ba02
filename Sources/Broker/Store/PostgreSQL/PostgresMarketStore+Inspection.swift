import PostgresClient
import ProviderInterface

/// Reads and upkeep beyond ``MarketStore`` that the SQLite store also offers (tests,
/// `broker store copy`, registry upkeep).
extension PostgresMarketStore {
    /// The figures of one offer from its `recent` latest successful attempts; `nil` when it has none.
    public func measuredLatency(provider: String, servedBy: String, model: String, recent: Int = 100) throws
        -> MeasuredLatency?
    {
        try read {
            try readMeasuredLatency(OfferKey(provider: provider, servedBy: servedBy, model: model), recent: recent)
        }
    }

    /// The latest `limit` attempts of one offer, newest first.
    public func recentAttempts(provider: String, servedBy: String, model: String, limit: Int) throws -> [(
        ok: Bool, at: Int64
    )] {
        try read {
            try readRecentAttempts(OfferKey(provider: provider, servedBy: servedBy, model: model), limit: limit)
        }
    }

    /// The number of stored offers of every provider that has any, by registry key.
    public func offerCounts() throws -> [String: Int] {
        try withConnection {
            let rows = try db.rows("SELECT provider, count(*) FROM offers GROUP BY provider") {
                (try $0.text(0), try $0.int(1))
            }
            return Dictionary(rows, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Removes a provider and all its offers; its refresh runs, price history and usage stay.
    public func removeProvider(_ provider: String) throws {
        try write(lock: "offers:" + provider) {
            try db.run(
                PostgresSQL.numbered(PriceHistoryColumns.writeAppearances(where: "provider = ?")), [.text(provider)])
            try db.run("DELETE FROM offers WHERE provider = $1", [.text(provider)])
            try db.run("DELETE FROM providers WHERE key = $1", [.text(provider)])
        }
    }

    /// The latest refresh of `provider`, or `nil` when it was never refreshed.
    public func lastRefresh(provider: String) throws -> RefreshRun? {
        try lastRefreshes().first { $0.provider == provider }
    }

    /// The recorded price changes of one compute offer, oldest first: (at, currency, old, new).
    public func computePriceHistory(source: String, offerID: String) throws -> [(
        at: Int64, currency: String, old: Int64?, new: Int64?
    )] {
        try withConnection {
            try db.rows(
                "SELECT at, currency, old_price_pico, new_price_pico FROM compute_price_history WHERE source = $1 AND offer_id = $2 ORDER BY at, id",
                [.text(source), .text(offerID)]
            ) { (try $0.int64(0), try $0.text(1), try $0.optionalInt64(2), try $0.optionalInt64(3)) }
        }
    }
}

extension PostgresMarketStore {
    /// The server process serving this store's connection (`pg_backend_pid()`), for diagnostics;
    /// tests end it to stand for an outage.
    public var backendPID: Int32 { db.backendPID }
}
