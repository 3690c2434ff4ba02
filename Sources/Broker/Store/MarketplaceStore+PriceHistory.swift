extension MarketplaceStore {
    /// The recorded price changes of `model` (the provider-side id), oldest first,
    /// optionally for one provider only. The first entry of each serving endpoint is
    /// usually the price it appeared with (``PriceChange/appeared``).
    public func priceHistory(model: String, provider: String? = nil) throws -> [PriceChange] {
        var sql = "SELECT \(PriceHistoryColumns.selectList) FROM price_history WHERE model = ?"
        var arguments: [SQLiteValue] = [.text(model)]
        if let provider {
            sql += " AND provider = ?"
            arguments.append(.text(provider))
        }
        sql += " ORDER BY at, id"
        return try db.rows(sql, arguments, PriceHistoryColumns.read)
    }
}
