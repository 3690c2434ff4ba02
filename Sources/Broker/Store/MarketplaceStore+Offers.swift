import ProviderInterface

extension MarketplaceStore {
    /// Replaces every offer of `provider` with `offers`, all or nothing.
    ///
    /// One `BEGIN IMMEDIATE` transaction deletes the old offers and inserts the new ones
    /// through one prepared statement reused per row; each stored offer's `refreshedAt` becomes `nowMs`.
    /// A `price_history` row is written for each (served-by, model) whose price changed
    /// or which is new. Offers listed twice (same served-by, model and task) are stored
    /// once, the first one winning. When anything throws — an offer of another provider, a
    /// negative price, a disk error — the transaction rolls back and the old offers stay.
    @discardableResult
    public func replaceOffers(provider: String, offers: [Offer], nowMs: Int64) throws -> ReplaceOutcome {
        try db.inTransaction(.immediate) {
            let old = try deleteOffers(of: provider)
            try db.run(
                "INSERT INTO providers (key, offers, replaced_at) VALUES (?, 0, ?) ON CONFLICT(key) DO NOTHING",
                [.text(provider), .integer(nowMs)])

            let insert = try db.cachedStatement(OfferColumns.insertSQL)
            let history = try db.cachedStatement(PriceHistoryColumns.insertSQL)
            // One reusable buffer holds each row's text, bound without copying.
            var text = BorrowedTextRow()
            // Tasks stored so far per (served-by, model): usually one, so a small array.
            var seen: [OfferPriceKey: [ModelTask]] = Dictionary(minimumCapacity: offers.count)
            var appeared = 0
            var changed = 0
            for (index, offer) in offers.enumerated() {
                try validate(offer, index: index, provider: provider)
                let key = OfferPriceKey(servedBy: offer.servedBy, model: offer.model)
                let tasks = seen[key]
                // A catalog that lists one model twice for the same endpoint and task
                // stores it once: the first listing wins.
                if let tasks, tasks.contains(offer.task) { continue }
                seen[key, default: []].append(offer.task)
                text.removeAll()
                try OfferColumns.bind(offer, refreshedAt: nowMs, to: insert, text: &text)
                try text.execute(insert)

                // Price history is per (served-by, model): only its first listing counts.
                guard tasks == nil else { continue }
                let previous = old.prices[key]
                if let previous, previous == StoredPrice(offer.price) { continue }
                text.removeAll()
                try PriceHistoryColumns.bind(offer, previous: previous, at: nowMs, to: history, text: &text)
                try text.execute(history)
                if previous == nil { appeared += 1 } else { changed += 1 }
            }

            let count = try offerCount(of: provider)
            try db.run(
                "UPDATE providers SET offers = ?, replaced_at = ? WHERE key = ?",
                [.integer(Int64(count)), .integer(nowMs), .text(provider)])
            let removed = old.prices.keys.reduce(0) { $0 + (seen[$1] == nil ? 1 : 0) }
            return ReplaceOutcome(
                provider: provider, previousOffers: old.count, offers: count, appeared: appeared,
                priceChanges: changed, removed: removed)
        }
    }

    /// The number of stored offers of `provider`.
    public func offerCount(provider: String) throws -> Int {
        try offerCount(of: provider)
    }

    /// The number of stored offers of every provider that has any, by registry key.
    public func offerCounts() throws -> [String: Int] {
        let rows = try db.rows("SELECT provider, count(*) FROM offers GROUP BY provider") { ($0.text(0), Int($0.int64(1))) }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// Removes a provider and all its offers (a registry entry that was deleted).
    /// Its refresh runs, price history and usage stay.
    public func removeProvider(_ provider: String) throws {
        try db.inTransaction(.immediate) {
            try db.run("DELETE FROM offers WHERE provider = ?", [.text(provider)])
            try db.run("DELETE FROM providers WHERE key = ?", [.text(provider)])
        }
    }

    private func offerCount(of provider: String) throws -> Int {
        let count = try db.firstRow("SELECT count(*) FROM offers WHERE provider = ?", [.text(provider)]) { $0.int64(0) }
        return Int(count ?? 0)
    }

    /// Deletes the provider's offers and returns how many there were and their prices.
    private func deleteOffers(of provider: String) throws -> (count: Int, prices: [OfferPriceKey: StoredPrice]) {
        let statement = try db.cachedStatement(
            "DELETE FROM offers WHERE provider = ? RETURNING served_by, model, billing, input_pico, output_pico, unit_pico")
        try statement.bind(provider, at: 1)
        defer { statement.reset() }
        var count = 0
        var prices: [OfferPriceKey: StoredPrice] = [:]
        while try statement.step() {
            count += 1
            let key = OfferPriceKey(servedBy: statement.text(0), model: statement.text(1))
            guard prices[key] == nil else { continue }
            prices[key] = StoredPrice(
                billing: statement.text(2), input: statement.optionalInt64(3), output: statement.optionalInt64(4),
                unit: statement.optionalInt64(5))
        }
        return (count, prices)
    }

    private func validate(_ offer: Offer, index: Int, provider: String) throws {
        guard offer.provider == provider else {
            throw StoreError(.invalidOffer, "offers[\(index)] belongs to provider \"\(offer.provider)\", not \"\(provider)\"")
        }
        guard !offer.model.isEmpty, !offer.servedBy.isEmpty else {
            throw StoreError(.invalidOffer, "offers[\(index)] of \"\(provider)\" has an empty model or served_by")
        }
        func isNegative(_ value: PriceValue) -> Bool { (value.amount?.value ?? 0) < 0 }
        if isNegative(offer.price.input) || isNegative(offer.price.output) || isNegative(offer.price.unit) {
            throw StoreError(
                .invalidOffer, "offers[\(index)] (\(offer.model)) of \"\(provider)\" has a negative price; use unknown")
        }
    }
}

/// The identity price history is kept under: one serving endpoint's model.
struct OfferPriceKey: Hashable {
    var servedBy: String
    var model: String
}

/// A price as stored: the comparison that decides whether a price changed.
struct StoredPrice: Hashable {
    var billing: String
    var input: Int64?
    var output: Int64?
    var unit: Int64?

    init(billing: String, input: Int64?, output: Int64?, unit: Int64?) {
        self.billing = billing
        self.input = input
        self.output = output
        self.unit = unit
    }

    init(_ price: OfferPrice) {
        self.init(
            billing: price.billing.rawValue, input: price.input.amount?.value, output: price.output.amount?.value,
            unit: price.unit.amount?.value)
    }
}
