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
        let rules = Rules(entry: entry, table: table, nowMs: nowMs)
        // Listings are read in place: copying each one out of the array costs a dozen
        // reference counts, which adds up over 100,000 offers. The passes that only read
        // run in parts on every core; dropping repeated listings runs in order.
        return catalog.models.withUnsafeBufferPointer { listings in
            guard let base = listings.baseAddress else { return [] }
            let count = listings.count
            let parts = Parallel.parts(for: count)
            nonisolated(unsafe) let listings = listings
            nonisolated(unsafe) let firstListing = base
            // 1. Each listing's identity digest and quote.
            var identities = [UInt64](repeating: 0, count: count)
            var quoteAt = [Int](repeating: -1, count: count)
            identities.withUnsafeMutableBufferPointer { identities in
                quoteAt.withUnsafeMutableBufferPointer { quoteAt in
                    nonisolated(unsafe) let identities = identities
                    nonisolated(unsafe) let quoteAt = quoteAt
                    Parallel.forEachPart(of: count, parts: parts) { _, range in
                        for index in range {
                            let id = listings[index].id
                            let servedBy = listings[index].servedBy
                            var digest = OfferFingerprint()
                            digest.add(id)
                            digest.add(servedBy)
                            quoteAt[index] =
                                quoteIndex.find(model: id, servedBy: servedBy, digest: digest.value)
                                ?? (servedBy == nil ? nil : quoteIndex.find(model: id, servedBy: nil)) ?? -1
                            digest.add(listings[index].task.rawValue)
                            identities[index] = digest.value
                        }
                    }
                }
            }
            // 2. A model listed twice for the same served-by and task is offered once: the
            // first listing wins.
            var seen = DigestSet(capacity: count)
            var kept: [Int] = []
            kept.reserveCapacity(count)
            for index in 0..<count {
                let isNew = seen.insert(identities[index], index: index) { other in
                    listings[other].task == listings[index].task && listings[other].id == listings[index].id
                        && listings[other].servedBy == listings[index].servedBy
                }
                if isNew { kept.append(index) }
            }
            // 3. The offers, each part into its own slots of the result.
            return [Offer](unsafeUninitializedCapacity: kept.count) { result, initialized in
                guard let base = result.baseAddress else { return initialized = 0 }
                nonisolated(unsafe) let start = base
                Parallel.forEachPart(of: kept.count, parts: parts) { _, range in
                    var regions = RegionCache()
                    for k in range {
                        let index = kept[k]
                        let quote = quoteAt[index] < 0 ? nil : quotes[quoteAt[index]]
                        (start + k).initialize(to: rules.offer(firstListing + index, quote: quote, regions: &regions))
                    }
                }
                initialized = kept.count
            }
        }
    }

    /// The entry's pricing rules, read once per refresh.
    private struct Rules {
        let entry: ProviderEntry
        let table: [String: StaticPrice]
        let nowMs: Int64
        let curated: Bool
        let taken: String?
        let noPriceSource: Bool
        let localIsFree: Bool

        init(entry: ProviderEntry, table: [String: StaticPrice], nowMs: Int64) {
            self.entry = entry
            self.table = table
            self.nowMs = nowMs
            curated = entry.pricing.catalogIsTable || entry.pricing.source == .static
            taken = curated ? entry.pricing.taken : nil
            noPriceSource = entry.pricing.source == .none
            localIsFree = entry.region.region == .local
        }

        /// The offer of the listing at `listing`, priced by `quote` when nothing closer
        /// prices it.
        func offer(_ listing: UnsafePointer<ModelListing>, quote: PriceQuote?, regions: inout RegionCache) -> Offer {
            let id = listing.pointee.id
            let servedBy = listing.pointee.servedBy
            let row = table.isEmpty ? nil : table[id]
            let listed = listing.pointee.price
            var price = row?.price ?? listed ?? quote?.price ?? OfferPrice.unknown
            if noPriceSource, listed == nil, quote == nil { price = localIsFree ? .free : .unknown }
            if !entry.pricing.zeroIsFree { price = price.zeroAsUnknown }
            var offer = Offer(
                provider: entry.key, servedBy: servedBy ?? entry.key, model: id,
                servedModelID: listing.pointee.servedModelID, hfID: listing.pointee.hfID ?? row?.hfID,
                task: listing.pointee.task, price: price,
                contextLength: listing.pointee.contextLength ?? quote?.contextLength ?? row?.contextLength,
                supportsTools: quote?.supportsTools ?? listing.pointee.capabilities[.tools]
                    ?? entry.capabilities[.tools],
                supportsStructuredOutput: quote?.supportsStructuredOutput ?? listing.pointee.capabilities[.jsonSchema]
                    ?? entry.capabilities[.jsonSchema],
                firstTokenLatencyMs: quote?.firstTokenLatencyMs,
                throughputTokensPerSecond: quote?.throughputTokensPerSecond, curated: curated,
                priceTaken: row?.taken ?? taken, refreshedAt: nowMs)
            offer.supportsImages =
                quote?.supportsImages ?? listing.pointee.capabilities[.vision] ?? entry.capabilities[.vision]
            offer.retiresAt = listing.pointee.retiresAt ?? row?.retiresAt
            (offer.region, offer.countries, offer.compliance) = regions.region(of: entry, servedBy: servedBy)
            if !listing.pointee.countries.isEmpty {
                offer.apply(
                    Self.record(
                        countries: listing.pointee.countries, declared: entry.regionRecord(servedBy: servedBy).declared)
                )
            }
            return offer
        }

        /// The region of a model whose feed names the countries it is processed in: one
        /// region when every country lies in it, else `unknown` (never guessed).
        static func record(countries: [String], declared: [ComplianceTag]) -> RegionRecord {
            let codes = Array(Set(countries.map { $0.uppercased() })).sorted()
            let regions = Set(codes.map { CountryJurisdiction.region(of: $0) })
            guard regions.count == 1, let region = regions.first, region != .unknown else {
                return RegionRecord(region: .unknown, countries: codes)
            }
            return RegionRecord(region: region, countries: codes, declared: declared, source: "price feed datacenters")
        }
    }

    /// Curated regions by served-by, looked up once each.
    private struct RegionCache {
        private var regions: [String: (Region, [String], [ComplianceTag])] = [:]

        mutating func region(of entry: ProviderEntry, servedBy: String?) -> (Region, [String], [ComplianceTag]) {
            let key = servedBy ?? entry.key
            if let cached = regions[key] { return cached }
            let record = entry.regionRecord(servedBy: servedBy)
            let region = (record.region, record.countries, record.complianceTags)
            regions[key] = region
            return region
        }
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
