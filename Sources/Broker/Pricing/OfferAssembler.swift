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
        let quoteIndex = QuoteIndex(quotes)
        var table: [String: StaticPrice] = [:]
        for row in entry.pricing.table { table[row.model] = row }
        let curated = entry.pricing.catalogIsTable || entry.pricing.source == .static
        let taken = curated ? entry.pricing.taken : nil
        let noPriceSource = entry.pricing.source == .none
        let localIsFree = entry.region.region == .local

        var seen = DigestSet(capacity: catalog.models.count)
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
                var digest = OfferFingerprint()
                digest.add(id)
                digest.add(servedBy)
                let quoteAt = quoteIndex.find(model: id, servedBy: servedBy, digest: digest.value)
                    ?? (servedBy == nil ? nil : quoteIndex.find(model: id, servedBy: nil))
                digest.add(task.rawValue)
                let isNew = seen.insert(digest.value, index: index) { other in
                    listings[other].task == task && listings[other].id == id && listings[other].servedBy == servedBy
                }
                guard isNew else { continue }
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

    /// Quotes by (model, served-by), found through digests and confirmed by their text;
    /// where a key is quoted twice, the last quote wins.
    struct QuoteIndex {
        private let quotes: [PriceQuote]
        private var table: DigestTable
        /// Keys whose digest another key took first: practically never used.
        private var collided: [QuoteKey: Int] = [:]

        init(_ quotes: [PriceQuote]) {
            self.quotes = quotes
            table = DigestTable(capacity: quotes.count)
            for i in quotes.indices.reversed() {
                let quote = quotes[i]
                guard let first = table.insertIfAbsent(Self.digest(quote.model, quote.servedBy), i) else { continue }
                let key = QuoteKey(model: quote.model, servedBy: quote.servedBy)
                if QuoteKey(model: quotes[first].model, servedBy: quotes[first].servedBy) != key, collided[key] == nil {
                    collided[key] = i
                }
            }
        }

        static func digest(_ model: String, _ servedBy: String?) -> UInt64 {
            var f = OfferFingerprint()
            f.add(model)
            f.add(servedBy)
            return f.value
        }

        /// The position of the quote for (`model`, `servedBy`), whose digest is `digest`.
        func find(model: String, servedBy: String?, digest: UInt64? = nil) -> Int? {
            guard let i = table[digest ?? Self.digest(model, servedBy)] else { return nil }
            if quotes[i].model == model, quotes[i].servedBy == servedBy { return i }
            return collided.isEmpty ? nil : collided[QuoteKey(model: model, servedBy: servedBy)]
        }
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
