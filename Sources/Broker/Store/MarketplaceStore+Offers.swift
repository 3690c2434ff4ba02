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
        // Offers are read in place, through pointers: copying each of 100,000 offers out
        // of the array would cost a dozen reference counts apiece.
        try offers.withUnsafeBufferPointer { buffer in
            try db.inTransaction(.immediate) { try replace(provider: provider, offers: buffer, nowMs: nowMs) }
        }
    }

    private func replace(provider: String, offers: UnsafeBufferPointer<Offer>, nowMs: Int64) throws -> ReplaceOutcome {
        let old = try deleteOffers(of: provider)
        try db.run(
            "INSERT INTO providers (key, offers, replaced_at) VALUES (?, 0, ?) ON CONFLICT(key) DO NOTHING",
            [.text(provider), .integer(nowMs)])

        let insert = try db.cachedStatement(OfferColumns.insertSQL)
        let history = try db.cachedStatement(PriceHistoryColumns.insertSQL)
        // One reusable buffer holds each row's text, bound without copying.
        var text = BorrowedTextRow()
        // First pass, in catalog order: check every offer, drop repeated listings
        // (the first one wins) and find the prices that changed or appeared.
        var seen: [OfferPriceKey: StoredTasks] = Dictionary(minimumCapacity: offers.count)
        var keep: [Int] = []
        keep.reserveCapacity(offers.count)
        var changes: [(index: Int, previous: StoredPrice?)] = []
        for index in offers.indices {
            guard let offer = offers.baseAddress?.advanced(by: index) else { continue }
            try Self.validate(offer, index: index, provider: provider)
            let key = OfferPriceKey(servedBy: offer.pointee.servedBy, model: offer.pointee.model)
            let added = seen[key, default: StoredTasks()].add(offer.pointee.task)
            guard added != .duplicate else { continue }
            keep.append(index)
            // Price history is per (served-by, model): only its first listing counts.
            guard added == .firstForKey else { continue }
            let previous = old.prices[key]
            if let previous, previous == StoredPrice(offer.pointee.price) { continue }
            changes.append((index, previous))
        }

        // Second pass: store, in the market index's order, then the history rows.
        for index in OfferInsertOrder.sorted(keep, of: offers) {
            guard let offer = offers.baseAddress?.advanced(by: index) else { continue }
            text.removeAll()
            try OfferColumns.bind(offer, refreshedAt: nowMs, to: insert, text: &text)
            try text.execute(insert)
        }
        for change in changes {
            guard let offer = offers.baseAddress?.advanced(by: change.index) else { continue }
            text.removeAll()
            try PriceHistoryColumns.bind(offer, previous: change.previous, at: nowMs, to: history, text: &text)
            try text.execute(history)
        }
        let stored = keep.count
        let appeared = changes.count { $0.previous == nil }
        let changed = changes.count - appeared

        try db.run(
            "UPDATE providers SET offers = ?, replaced_at = ? WHERE key = ?",
            [.integer(Int64(stored)), .integer(nowMs), .text(provider)])
        let removed = old.prices.keys.reduce(0) { $0 + (seen[$1] == nil ? 1 : 0) }
        return ReplaceOutcome(
            provider: provider, previousOffers: old.count, offers: stored, appeared: appeared,
            priceChanges: changed, removed: removed)
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
        let expected = try db.firstRow("SELECT offers FROM providers WHERE key = ?", [.text(provider)]) { $0.int64(0) }
        let statement = try db.cachedStatement(
            "DELETE FROM offers WHERE provider = ? RETURNING served_by, model, billing, input_pico, output_pico, unit_pico")
        try statement.bind(provider, at: 1)
        defer { statement.reset() }
        var count = 0
        var prices: [OfferPriceKey: StoredPrice] = Dictionary(minimumCapacity: Int(expected ?? 0))
        while try statement.step() {
            count += 1
            // A model listed for several tasks has one price per task; any one of them
            // stands for the endpoint's old price.
            prices[OfferPriceKey(servedBy: statement.text(0), model: statement.text(1))] = StoredPrice(
                billing: statement.text(2), input: statement.optionalInt64(3), output: statement.optionalInt64(4),
                unit: statement.optionalInt64(5))
        }
        return (count, prices)
    }

    private static func validate(_ offer: UnsafePointer<Offer>, index: Int, provider: String) throws {
        guard offer.pointee.provider == provider else {
            throw StoreError(
                .invalidOffer, "offers[\(index)] belongs to provider \"\(offer.pointee.provider)\", not \"\(provider)\"")
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

/// The identity price history is kept under: one serving endpoint's model.
struct OfferPriceKey: Hashable {
    var servedBy: String
    var model: String
}

/// The tasks stored for one (served-by, model) during a replace: nearly always one, so
/// the first is kept inline and only further ones allocate.
struct StoredTasks {
    enum Added { case firstForKey, anotherTask, duplicate }

    private var first: ModelTask?
    private var more: [ModelTask] = []

    /// Records `task`; says whether it is the key's first, a new task, or a duplicate.
    mutating func add(_ task: ModelTask) -> Added {
        guard let first else {
            self.first = task
            return .firstForKey
        }
        if first == task || more.contains(task) { return .duplicate }
        more.append(task)
        return .anotherTask
    }
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
