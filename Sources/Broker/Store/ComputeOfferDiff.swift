import ProviderInterface

/// What bringing one source's stored compute offers to exactly a new catalog writes, worked
/// out without touching the store: the rules of
/// ``MarketStore/replaceComputeOffers(source:offers:version:nowMs:)``, defined once for every
/// backend, which then only writes the result its own way.
///
/// Each offer is matched with the stored row of the same offer id by a digest of its fields:
/// unchanged rows are left alone, changed ones rewritten, new ones inserted and missing ones
/// deleted; a price-history row is due for each offer id whose price changed. An offer id
/// listed twice is kept once, the first listing winning.
struct ComputeOfferDiff {
    /// A stored row as a replace finds it (by offer id).
    struct StoredRow {
        var id: Int64
        var hash: Int64
        var currency: String
        var price: Int64?
    }

    /// One `compute_price_history` row to write.
    struct PriceChange: Sendable {
        var offer: String
        var currency: String
        var old: Int64?
        var new: Int64?
    }

    /// The SQL that records the source's offer count, catalog version and currencies, with
    /// `?` placeholders: key, offers, version, currencies (``currencyList``), replaced-at.
    static let recordSourceSQL = """
        INSERT INTO compute_sources (key, offers, version, currencies, replaced_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET offers = excluded.offers, version = excluded.version,
            currencies = excluded.currencies, replaced_at = excluded.replaced_at
        """

    /// Indices of the offers to insert, in the (currency, price) index's order, so that index
    /// only appends (and ids break ties alike in every backend).
    private(set) var inserts: [Int] = []
    /// Offers whose stored row (`id`) changed: rewritten.
    private(set) var updates: [(index: Int, id: Int64)] = []
    /// Offers whose stored row changed in its price alone: a backend may rewrite only the
    /// price columns (or the whole row).
    private(set) var priceUpdates: [(index: Int, id: Int64)] = []
    /// Each kept offer's digest, by catalog index.
    private(set) var digests: [Int64]
    /// Each kept offer's tag text (``ComputeColumns/tagText(_:)``), by catalog index.
    private(set) var tags: [String]
    /// The price-history rows due.
    private(set) var changes: [PriceChange] = []
    /// Stored rows no offer matched: deleted.
    private(set) var deletes: [Int64] = []
    /// The currencies of the kept offers, as stored: `,EUR,USD,`.
    private(set) var currencyList = ","
    /// Offers kept (repeated offer ids dropped).
    private(set) var stored = 0
    private let previousOffers: Int

    /// The writes that bring `old` (stored rows by offer id) to the catalog `offers` of `source`.
    /// - Throws: ``StoreError`` `invalidOffer` naming the first offer without an id, provider or
    ///   GPU, with a negative price or a currency that is not an ISO 4217 code.
    init(source: String, old: [String: StoredRow], offers: UnsafeBufferPointer<ComputeOffer>) throws {
        previousOffers = old.count
        digests = [Int64](repeating: 0, count: offers.count)
        tags = [String](repeating: "", count: offers.count)
        var matched = Set<String>(minimumCapacity: old.count)
        var seen = Set<String>(minimumCapacity: offers.count)
        var currencies = Set<String>()
        // Offers share few region records: their tag text is derived once per record.
        var tagTexts: [RegionRecord: String] = [:]
        if let base = offers.baseAddress {
            for index in offers.indices {
                let offer = base + index
                try Self.validate(offer, index: index, source: source)
                guard seen.insert(offer.pointee.offerID).inserted else { continue }
                currencies.insert(offer.pointee.currency)
                let text: String
                if let known = tagTexts[offer.pointee.region] {
                    text = known
                } else {
                    text = ComputeColumns.tagText(offer.pointee)
                    tagTexts[offer.pointee.region] = text
                }
                tags[index] = text
                let digest = ComputeColumns.digest(offer, tags: text)
                digests[index] = digest
                guard let previous = old[offer.pointee.offerID] else {
                    inserts.append(index)
                    continue
                }
                matched.insert(offer.pointee.offerID)
                if previous.hash != digest {
                    if previous.price != offer.pointee.pricePerHour,
                        ComputeColumns.digest(offer, tags: text, price: previous.price) == previous.hash
                    {
                        priceUpdates.append((index, previous.id))
                    } else {
                        updates.append((index, previous.id))
                    }
                }
                if previous.price != offer.pointee.pricePerHour || previous.currency != offer.pointee.currency {
                    changes.append(
                        PriceChange(
                            offer: offer.pointee.offerID, currency: offer.pointee.currency, old: previous.price,
                            new: offer.pointee.pricePerHour))
                }
            }
            inserts.sort { a, b in
                let x = base + a
                let y = base + b
                if x.pointee.currency != y.pointee.currency { return x.pointee.currency < y.pointee.currency }
                return (x.pointee.pricePerHour ?? Int64.max) < (y.pointee.pricePerHour ?? Int64.max)
            }
        }
        for (offerID, row) in old where !matched.contains(offerID) { deletes.append(row.id) }
        stored = seen.count
        currencyList = "," + currencies.sorted().joined(separator: ",") + ","
    }

    /// What the replace did, once written.
    var outcome: ComputeReplaceOutcome {
        ComputeReplaceOutcome(
            previousOffers: previousOffers, offers: stored, priceChanges: changes.count, appeared: inserts.count,
            removed: deletes.count, inserted: inserts.count, rewritten: updates.count + priceUpdates.count)
    }

    static func validate(_ pointer: UnsafePointer<ComputeOffer>, index: Int, source: String) throws {
        guard !pointer.pointee.offerID.isEmpty, !pointer.pointee.provider.isEmpty else {
            throw StoreError(
                .invalidOffer, "compute offers[\(index)] of \"\(source)\" has an empty offer id or provider")
        }
        guard pointer.pointee.gpuCount > 0 else {
            throw StoreError(
                .invalidOffer, "compute offers[\(index)] (\(pointer.pointee.offerID)) of \"\(source)\" has no GPU")
        }
        if let price = pointer.pointee.pricePerHour, price < 0 {
            throw StoreError(
                .invalidOffer,
                "compute offers[\(index)] (\(pointer.pointee.offerID)) of \"\(source)\" has a negative price; use unknown"
            )
        }
        let currency = pointer.pointee.currency.utf8
        guard currency.count == 3, currency.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw StoreError(
                .invalidOffer,
                "compute offers[\(index)] (\(pointer.pointee.offerID)) of \"\(source)\" has currency \"\(pointer.pointee.currency)\", not an ISO 4217 code"
            )
        }
    }
}
