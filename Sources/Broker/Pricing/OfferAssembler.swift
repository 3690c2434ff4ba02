import ProviderInterface

/// Turns one provider's catalog and price quotes into market offers: pure, so the rules
/// (which price wins, which region applies) are tested without a store or a network.
public enum OfferAssembler {
    /// The offers of `entry` from its listing and quotes, stamped `nowMs`.
    ///
    /// Price precedence: a static table row in the registry, then the price carried by the
    /// listing, then the quote for the same (model, served-by), else unknown. Regions come
    /// only from the registry's curated records, never guessed.
    public static func offers(
        entry: ProviderEntry, catalog: ModelCatalog, quotes: [PriceQuote], nowMs: Int64
    ) -> [Offer] {
        var quoteIndex: [QuoteKey: Int] = [:]
        quoteIndex.reserveCapacity(quotes.count)
        for (i, quote) in quotes.enumerated() { quoteIndex[QuoteKey(model: quote.model, servedBy: quote.servedBy)] = i }
        var table: [String: StaticPrice] = [:]
        for row in entry.pricing.table { table[row.model] = row }
        let curated = entry.pricing.catalogIsTable || entry.pricing.source == .static
        let taken = curated ? entry.pricing.taken : nil
        let noPriceSource = entry.pricing.source == .none
        let localIsFree = entry.region.region == .local

        var seen = Set<SeenKey>()
        seen.reserveCapacity(catalog.models.count)
        var regions: [String: (Region, [String], [ComplianceTag])] = [:]
        var offers: [Offer] = []
        offers.reserveCapacity(catalog.models.count)
        // Listings are read in place: copying each one out of the array costs a dozen
        // reference counts, which adds up over 100,000 offers.
        catalog.models.withUnsafeBufferPointer { listings in
            for index in listings.indices {
                let id = listings[index].id
                let servedBy = listings[index].servedBy
                let task = listings[index].task
                guard seen.insert(SeenKey(model: id, servedBy: servedBy, task: task)).inserted else { continue }
                let quoteAt = quoteIndex[QuoteKey(model: id, servedBy: servedBy)]
                    ?? (servedBy == nil ? nil : quoteIndex[QuoteKey(model: id, servedBy: nil)])
                let quote = quoteAt.map { quotes[$0] }
                let row = table.isEmpty ? nil : table[id]
                let listed = listings[index].price
                var price = row?.price ?? listed ?? quote?.price ?? OfferPrice.unknown
                if noPriceSource, listed == nil, quote == nil { price = localIsFree ? .free : .unknown }
                if !entry.pricing.zeroIsFree { price = price.zeroAsUnknown }
                var offer = Offer(
                    provider: entry.key, servedBy: servedBy ?? entry.key, model: id,
                    servedModelID: listings[index].servedModelID, hfID: listings[index].hfID ?? row?.hfID, task: task,
                    price: price, contextLength: listings[index].contextLength ?? quote?.contextLength ?? row?.contextLength,
                    supportsTools: quote?.supportsTools, supportsStructuredOutput: quote?.supportsStructuredOutput,
                    firstTokenLatencyMs: quote?.firstTokenLatencyMs,
                    throughputTokensPerSecond: quote?.throughputTokensPerSecond, curated: curated, priceTaken: taken,
                    refreshedAt: nowMs)
                let regionKey = servedBy ?? entry.key
                let region: (Region, [String], [ComplianceTag])
                if let cached = regions[regionKey] {
                    region = cached
                } else {
                    let record = entry.regionRecord(servedBy: servedBy)
                    region = (record.region, record.countries, record.complianceTags)
                    regions[regionKey] = region
                }
                (offer.region, offer.countries, offer.compliance) = region
                offers.append(offer)
            }
        }
        return offers
    }

    struct QuoteKey: Hashable {
        var model: String
        var servedBy: String?
    }

    struct SeenKey: Hashable {
        var model: String
        var servedBy: String?
        var task: ModelTask
    }
}

extension OfferPrice {
    /// Zero amounts read as unknown, for providers whose zero means "not offered"
    /// (Together's `0/0` on models that are not serverless).
    var zeroAsUnknown: OfferPrice {
        var copy = self
        if input == .amount(.zero) { copy.input = .unknown }
        if output == .amount(.zero) { copy.output = .unknown }
        if unit == .amount(.zero) { copy.unit = .unknown }
        return copy
    }
}
