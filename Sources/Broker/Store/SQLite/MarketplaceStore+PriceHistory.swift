extension MarketplaceStore {
    /// The recorded price changes of `model` (the provider-side id), oldest first,
    /// optionally for one provider only. The first entry of each serving endpoint is
    /// usually the price it appeared with (``PriceChange/appeared``).
    ///
    /// An appearance whose price has not changed since is read from the offer's own row
    /// (its `appeared_at`) rather than from a history row: a first refresh of 100,000
    /// offers then writes no history at all. It is written to the history, unchanged,
    /// when the price first changes or the offer goes.
    public func priceHistory(model: String, provider: String? = nil) throws -> [PriceChange] {
        var condition = "model = ?"
        var arguments: [SQLiteValue] = [.text(model)]
        if let provider {
            condition += " AND provider = ?"
            arguments.append(.text(provider))
        }
        let written = try db.rows(
            "SELECT \(PriceHistoryColumns.selectList) FROM price_history WHERE \(condition) ORDER BY at, id", arguments,
            PriceHistoryColumns.read)
        let pending = try db.rows(
            PriceHistoryColumns.pendingAppearances(where: condition) + " ORDER BY appeared_at, id", arguments,
            PriceHistoryColumns.read)
        guard !pending.isEmpty else { return written }
        return PriceChange.merged(written, pending)
    }
}
