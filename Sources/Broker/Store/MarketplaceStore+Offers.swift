import ProviderInterface

extension MarketplaceStore {
    /// Replaces every offer of `provider` with `offers`, all or nothing.
    ///
    /// One `BEGIN IMMEDIATE` transaction brings the stored offers to exactly `offers`,
    /// writing only what differs: each new offer is matched with the stored row of the
    /// same (served-by, model, task) by a digest of its fields, so unchanged rows are
    /// left alone, changed ones rewritten, new ones inserted and missing ones deleted.
    /// An hourly refresh in which nothing moved writes nothing but the provider's
    /// refresh time, which is every offer's `refreshedAt`. A `price_history` row is
    /// written for each (served-by, model) whose price changed or which is new. Offers
    /// listed twice (same served-by, model and task) are stored once, the first one
    /// winning. When anything throws — an offer of another provider, a negative price, a
    /// disk error — the transaction rolls back and the old offers stay.
    @discardableResult
    public func replaceOffers(provider: String, offers: [Offer], nowMs: Int64) throws -> ReplaceOutcome {
        // Offers are read in place, through pointers: copying each of 100,000 offers out
        // of the array would cost a dozen reference counts apiece.
        try offers.withUnsafeBufferPointer { buffer in
            try db.inTransaction(.immediate) {
                let expected = try db.firstRow("SELECT offers FROM providers WHERE key = ?", [.text(provider)]) {
                    $0.int64(0)
                }
                let old = try StoredOffers(provider: provider, expected: Int(expected ?? 0), db: db)
                try db.run(
                    "INSERT INTO providers (key, offers, replaced_at) VALUES (?, 0, ?) ON CONFLICT(key) DO NOTHING",
                    [.text(provider), .integer(nowMs)])
                guard let base = buffer.baseAddress else { return try clear(provider: provider, old: old, nowMs: nowMs) }
                return try replace(provider: provider, old: old, offers: buffer, base: base, nowMs: nowMs)
            }
        }
    }

    /// An empty catalog (accepted with `--force`): every stored offer goes.
    private func clear(provider: String, old: StoredOffers, nowMs: Int64) throws -> ReplaceOutcome {
        try db.run("DELETE FROM offers WHERE provider = ?", [.text(provider)])
        try db.run("UPDATE providers SET offers = 0, replaced_at = ? WHERE key = ?", [.integer(nowMs), .text(provider)])
        return ReplaceOutcome(
            provider: provider, previousOffers: old.count, offers: 0, appeared: 0, priceChanges: 0,
            removed: old.endpointCount, inserted: 0, rewritten: 0, deleted: old.count)
    }

    private func replace(
        provider: String, old: StoredOffers, offers: UnsafeBufferPointer<Offer>, base: UnsafePointer<Offer>, nowMs: Int64
    ) throws -> ReplaceOutcome {
        // First pass, in catalog order: check every offer, drop repeated listings (the
        // first one wins), match each with its stored row, and find the prices that
        // changed or appeared.
        var identities = DigestSet(capacity: offers.count)
        var endpoints = DigestSet(capacity: offers.count)
        var matched = [Bool](repeating: false, count: old.count)
        var inserts: [Int] = []
        var updates: [(index: Int, id: Int64)] = []
        var digests = [Int64](repeating: 0, count: offers.count)
        var changes: [(index: Int, previous: StoredPrice?)] = []
        var stored = 0
        for index in offers.indices {
            let offer = base + index
            try Self.validate(offer, index: index, provider: provider)
            let digest = OfferFingerprint.digests(offer)
            let isNew = identities.insert(digest.identity, index: index) { other in
                let o = base + other
                return o.pointee.task == offer.pointee.task && o.pointee.model == offer.pointee.model
                    && o.pointee.servedBy == offer.pointee.servedBy
            }
            guard isNew else { continue }
            stored += 1
            digests[index] = digest.content
            if let position = old.byIdentity[digest.identity], !matched[position] {
                matched[position] = true
                if old.rows[position].content != digest.content { updates.append((index, old.rows[position].id)) }
            } else {
                inserts.append(index)
            }
            // Price history is per (served-by, model): only its first listing counts.
            let firstForEndpoint = endpoints.insert(digest.endpoint, index: index) { other in
                let o = base + other
                return o.pointee.model == offer.pointee.model && o.pointee.servedBy == offer.pointee.servedBy
            }
            guard firstForEndpoint else { continue }
            let previous = old.price(endpoint: digest.endpoint)
            if let previous, previous == StoredPrice(offer.pointee.price) { continue }
            changes.append((index, previous))
        }

        // Second pass: delete the rows no offer matched, rewrite the changed ones, insert
        // the new ones in the market index's order, then write the history rows.
        let delete = try db.cachedStatement("DELETE FROM offers WHERE id = ?")
        var deleted = 0
        for position in matched.indices where !matched[position] {
            try delete.bind(old.rows[position].id, at: 1)
            try delete.execute()
            delete.reset()
            deleted += 1
        }
        // One reusable buffer holds each row's text, bound without copying.
        var text = BorrowedTextRow()
        if !updates.isEmpty {
            let update = try db.cachedStatement(OfferColumns.updateSQL)
            for (index, id) in updates {
                text.removeAll()
                try OfferColumns.bind(base + index, changedAt: nowMs, digest: digests[index], to: update, text: &text)
                try update.bind(id, at: OfferColumns.updateIDParameter)
                try text.execute(update)
            }
        }
        try db.insertBatched(
            OfferInsertOrder.sorted(inserts, of: offers), columns: OfferColumns.writtenNames.count,
            sql: OfferColumns.insertSQL(rows:), text: &text
        ) { index, statement, text, offset in
            try OfferColumns.bind(
                base + index, changedAt: nowMs, digest: digests[index], to: statement, text: &text, offset: offset)
        }
        // In about the (model, at) index's order, so each insert lands near the last.
        // String order is byte order for ASCII ids, and close enough for the rest.
        changes.sort { (base + $0.index).pointee.model < (base + $1.index).pointee.model }
        try db.insertBatched(
            changes, columns: PriceHistoryColumns.names.count, sql: PriceHistoryColumns.insertSQL(rows:), text: &text
        ) { change, statement, text, offset in
            try PriceHistoryColumns.bind(
                base + change.index, previous: change.previous, at: nowMs, to: statement, text: &text, offset: offset)
        }
        let appeared = changes.count { $0.previous == nil }
        let changed = changes.count - appeared

        try db.run(
            "UPDATE providers SET offers = ?, replaced_at = ? WHERE key = ?",
            [.integer(Int64(stored)), .integer(nowMs), .text(provider)])
        let removed = old.endpoints.reduce(0) { $0 + (endpoints.contains($1) ? 0 : 1) }
        return ReplaceOutcome(
            provider: provider, previousOffers: old.count, offers: stored, appeared: appeared,
            priceChanges: changed, removed: removed, inserted: inserts.count, rewritten: updates.count,
            deleted: deleted)
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
