import ProviderInterface

extension MarketplaceStore {
    /// Every stored offer of the given Hugging Face ids (the same weights across sources).
    public func offers(hfIDs: [String]) throws -> [Offer] {
        let ids = Array(Set(hfIDs)).sorted()
        guard !ids.isEmpty else { return [] }
        return try db.inTransaction(.deferred) {
            let refreshed = try providerRefreshTimes()
            var out: [Offer] = []
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(ids.count, start + 500)])
                start += chunk.count
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                out += try db.rows(
                    "SELECT \(OfferColumns.selectList) FROM offers WHERE hf_id IN (\(marks)) ORDER BY id",
                    chunk.map { .text($0) }
                ) { row in
                    var offer = try OfferColumns.read(row)
                    offer.refreshedAt = refreshed[offer.provider] ?? offer.refreshedAt
                    return offer
                }
            }
            return out
        }
    }

    /// Which of `offers` take part in a price disagreement with another source for the same
    /// weights and serving endpoint (`price_disputed`), judged over every stored offer of
    /// their Hugging Face ids.
    public func disputedOffers(
        among offers: [Offer], toleranceBasisPoints: Int64 = PriceAudit.defaultToleranceBasisPoints
    ) throws -> Set<OfferKey> {
        let ids = offers.compactMap(\.hfID)
        guard !ids.isEmpty else { return [] }
        let peers = try self.offers(hfIDs: ids)
        let rates = peers.contains { !$0.price.isUSD } ? try readExchangeRates() : nil
        return PriceAudit.disputed(
            PriceAudit.disagreements(peers, rates: rates, toleranceBasisPoints: toleranceBasisPoints))
    }
}
