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
        var quoteIndex: [QuoteKey: PriceQuote] = [:]
        quoteIndex.reserveCapacity(quotes.count)
        for quote in quotes { quoteIndex[QuoteKey(model: quote.model, servedBy: quote.servedBy)] = quote }
        var table: [String: StaticPrice] = [:]
        for row in entry.pricing.table { table[row.model] = row }
        let curated = entry.pricing.catalogIsTable || entry.pricing.source == .static

        var seen = Set<SeenKey>()
        seen.reserveCapacity(catalog.models.count)
        var regions: [String: (Region, [String], [ComplianceTag])] = [:]
        var offers: [Offer] = []
        offers.reserveCapacity(catalog.models.count)
        for listing in catalog.models {
            let key = QuoteKey(model: listing.id, servedBy: listing.servedBy)
            guard seen.insert(SeenKey(model: listing.id, servedBy: listing.servedBy, task: listing.task)).inserted else { continue }
            let quote = quoteIndex[key] ?? (listing.servedBy == nil ? nil : quoteIndex[QuoteKey(model: listing.id, servedBy: nil)])
            let row = table.isEmpty ? nil : table[listing.id]
            var price = row?.price ?? listing.price ?? quote?.price ?? OfferPrice.unknown
            if entry.pricing.source == .none, listing.price == nil, quote == nil {
                price = entry.region.region == .local ? .free : .unknown
            }
            if !entry.pricing.zeroIsFree { price = price.zeroAsUnknown }
            var offer = Offer(
                provider: entry.key, servedBy: listing.servedBy ?? entry.key, model: listing.id,
                servedModelID: listing.servedModelID, hfID: listing.hfID ?? row?.hfID, task: listing.task,
                price: price, contextLength: listing.contextLength ?? quote?.contextLength ?? row?.contextLength,
                supportsTools: quote?.supportsTools, supportsStructuredOutput: quote?.supportsStructuredOutput,
                firstTokenLatencyMs: quote?.firstTokenLatencyMs, throughputTokensPerSecond: quote?.throughputTokensPerSecond,
                curated: curated, priceTaken: curated ? entry.pricing.taken : nil, refreshedAt: nowMs)
            let regionKey = listing.servedBy ?? entry.key
            let region: (Region, [String], [ComplianceTag])
            if let cached = regions[regionKey] {
                region = cached
            } else {
                let record = entry.regionRecord(servedBy: listing.servedBy)
                region = (record.region, record.countries, record.complianceTags)
                regions[regionKey] = region
            }
            (offer.region, offer.countries, offer.compliance) = region
            offers.append(offer)
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
