import ProviderInterface

/// What bringing one provider's stored offers to exactly a new catalog writes, worked out
/// without touching the store: the rules of ``MarketStore/replaceOffers(provider:offers:nowMs:)``,
/// defined once for every backend, which then only writes the result its own way.
///
/// Each new offer is matched with the stored row of the same (served-by, model, task) by
/// digest: unchanged rows are left alone, changed ones rewritten, new ones inserted and
/// missing ones deleted. Offers listed twice are kept once, the first listing winning. A
/// `price_history` row is due for each (served-by, model) whose price changed; a new one's
/// appearance stays pending on its rows until then, and is written out when its endpoint goes.
struct OfferReplaceDiff {
    /// One `price_history` row to write: the endpoint of the offer at `offer` went from
    /// `old` to `new` at `at`, or appeared with `new` when `old` is nil.
    struct HistoryRow: Sendable {
        var offer: Int
        var at: Int64
        var old: StoredPrice?
        var new: StoredPrice
    }

    /// Indices (in the catalog) of the offers to insert, in catalog order.
    private(set) var inserts: [Int] = []
    /// Offers whose stored row (`id`) changed: rewritten.
    private(set) var updates: [(index: Int, id: Int64)] = []
    /// Each kept offer's content digest, by catalog index (0 for repeated listings).
    private(set) var digests: [Int64]
    /// Each kept offer's pending appearance time, by catalog index.
    private(set) var appearedAt: [Int64?]
    /// The `price_history` rows due, in about the (model, at) index's order.
    private(set) var history: [HistoryRow] = []
    /// Stored rows standing for an endpoint that went with its appearance still pending: that
    /// appearance is written to `price_history` before the rows go (ids, in stored order).
    private(set) var appearancesToWrite: [Int64] = []
    /// Stored rows no offer matched: deleted.
    private(set) var deletes: [Int64] = []
    /// Unchanged rows whose endpoint's pending appearance was just written out or moved.
    private(set) var appearanceUpdates: [(id: Int64, appearedAt: Int64?)] = []
    /// Endpoints that are new.
    private(set) var appeared = 0
    /// Offers kept (repeated listings dropped).
    private(set) var stored = 0
    /// Stored endpoints that went.
    private(set) var removed = 0
    private let previousOffers: Int

    /// The writes that bring `old` to the catalog `offers` of `provider` at `nowMs`. An empty
    /// catalog (accepted with `--force`) deletes every stored offer.
    /// - Throws: ``StoreError`` `invalidOffer` naming the first offer of another provider, with
    ///   an empty model or served-by, or a negative price.
    init(provider: String, old: StoredOffers, offers: UnsafeBufferPointer<Offer>, nowMs: Int64) throws {
        previousOffers = old.count
        var endpoints = DigestSet(capacity: offers.count)
        var matched = [Int](repeating: -1, count: old.count)
        digests = [Int64](repeating: 0, count: offers.count)
        // Each stored offer's pending appearance time (see `priceHistory`), which all
        // rows of one (served-by, model) share: the first listing decides it.
        appearedAt = [Int64?](repeating: nil, count: offers.count)
        if let base = offers.baseAddress {
            try match(
                provider: provider, old: old, offers: offers, base: base, nowMs: nowMs, endpoints: &endpoints,
                matched: &matched)
        }
        for row in old.endpointRows where !endpoints.contains(row.endpoint) {
            removed += 1
            if row.appearedAt != nil { appearancesToWrite.append(row.id) }
        }
        for position in matched.indices {
            let index = matched[position]
            let row = old.rows[position]
            if index < 0 {
                deletes.append(row.id)
            } else if row.content == digests[index], row.appearedAt != appearedAt[index] {
                appearanceUpdates.append((row.id, appearedAt[index]))
            }
        }
    }

    /// Matches each offer with its stored row (`matched`: by stored position, the offer's index),
    /// recording the endpoints listed and the writes each offer needs.
    private mutating func match(
        provider: String, old: StoredOffers, offers: UnsafeBufferPointer<Offer>, base: UnsafePointer<Offer>,
        nowMs: Int64, endpoints: inout DigestSet, matched: inout [Int]
    ) throws {
        var identities = DigestSet(capacity: offers.count)
        // Every offer's digests, in parts on every core: pure reads.
        var allDigests = [OfferFingerprint.Digests](
            repeating: OfferFingerprint.Digests(endpoint: 0, identity: 0, content: 0), count: offers.count)
        allDigests.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            Parallel.forEachPart(of: offers.count, parts: Parallel.parts(for: offers.count)) { _, range in
                for index in range { out[index] = OfferFingerprint.digests(base + index) }
            }
        }
        // In catalog order: check every offer, drop repeated listings (the first one wins),
        // match each with its stored row, and find the prices that changed or appeared.
        for index in offers.indices {
            let offer = base + index
            try Self.validate(offer, index: index, provider: provider)
            let digest = allDigests[index]
            let isNew = identities.insert(digest.identity, index: index) { other in
                let o = base + other
                return o.pointee.task == offer.pointee.task && o.pointee.model == offer.pointee.model
                    && o.pointee.servedBy == offer.pointee.servedBy
            }
            guard isNew else { continue }
            stored += 1
            digests[index] = digest.content
            if let position = old.byIdentity[digest.identity], matched[position] < 0 {
                matched[position] = index
                if old.rows[position].content != digest.content { updates.append((index, old.rows[position].id)) }
            } else {
                inserts.append(index)
            }
            // Price history is per (served-by, model): only its first listing counts.
            let firstListing = endpoints.insertOrFind(digest.endpoint, index: index) { other in
                let o = base + other
                return o.pointee.model == offer.pointee.model && o.pointee.servedBy == offer.pointee.servedBy
            }
            if let firstListing {
                appearedAt[index] = appearedAt[firstListing]
                continue
            }
            guard let previous = old.price(endpoint: digest.endpoint) else {
                // New: its appearance stays pending on its rows until its price changes.
                appeared += 1
                appearedAt[index] = nowMs
                continue
            }
            let pending = old.appearedAt(endpoint: digest.endpoint)
            let price = StoredPrice(offer.pointee.price)
            if previous == price {
                appearedAt[index] = pending
                continue
            }
            // A change: first write out the appearance it ends, if still pending.
            if let pending { history.append(HistoryRow(offer: index, at: pending, old: nil, new: previous)) }
            history.append(HistoryRow(offer: index, at: nowMs, old: previous, new: price))
        }
        // In about the (model, at) index's order, so each insert lands near the last.
        // String order is byte order for ASCII ids, and close enough for the rest.
        history.sort { (base + $0.offer).pointee.model < (base + $1.offer).pointee.model }
    }

    /// ``inserts`` in the market index's order (``OfferInsertOrder``): taken from `presorted`,
    /// every offer's index already in that order, when given.
    func insertOrder(presorted: [Int]?, of offers: UnsafeBufferPointer<Offer>) -> [Int] {
        guard let presorted else { return OfferInsertOrder.sorted(inserts, of: offers) }
        var isInsert = [Bool](repeating: false, count: offers.count)
        for index in inserts { isInsert[index] = true }
        return presorted.filter { isInsert[$0] }
    }

    /// What the replace did, once written.
    func outcome(provider: String) -> ReplaceOutcome {
        ReplaceOutcome(
            provider: provider, previousOffers: previousOffers, offers: stored, appeared: appeared,
            priceChanges: history.count { $0.old != nil }, removed: removed, inserted: inserts.count,
            rewritten: updates.count, deleted: deletes.count)
    }

    static func validate(_ offer: UnsafePointer<Offer>, index: Int, provider: String) throws {
        guard offer.pointee.provider == provider else {
            throw StoreError(
                .invalidOffer, "offers[\(index)] belongs to provider \"\(offer.pointee.provider)\", not \"\(provider)\""
            )
        }
        guard !offer.pointee.model.isEmpty, !offer.pointee.servedBy.isEmpty else {
            throw StoreError(.invalidOffer, "offers[\(index)] of \"\(provider)\" has an empty model or served_by")
        }
        func isNegative(_ value: PriceValue) -> Bool { (value.amount?.value ?? 0) < 0 }
        let price = offer.pointee.price
        if isNegative(price.input) || isNegative(price.output) || isNegative(price.unit) {
            throw StoreError(
                .invalidOffer,
                "offers[\(index)] (\(offer.pointee.model)) of \"\(provider)\" has a negative price; use unknown")
        }
    }
}
