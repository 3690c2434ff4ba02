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
    /// written for each (served-by, model) whose price changed; a new one's appearance
    /// is kept on its rows until then (see ``priceHistory(model:provider:)``). Offers
    /// listed twice (same served-by, model and task) are stored once, the first one
    /// winning. When anything throws — an offer of another provider, a negative price, a
    /// disk error — the transaction rolls back and the old offers stay. With a `claim`, the
    /// transaction first checks that its owner still holds the provider's refresh lease
    /// (``StoreError/Code/fenced`` otherwise).
    @discardableResult
    public func replaceOffers(provider: String, offers: [Offer], nowMs: Int64, fencedBy claim: RefreshClaim?) throws
        -> ReplaceOutcome
    {
        // A refresh rewrites index pages all over the file: a page cache big enough for a
        // whole provider's catalog keeps the transaction from spilling before its commit.
        try db.withPageCache(kibibytes: 65_536) {
            // Offers are read in place, through pointers: copying each of 100,000 offers out
            // of the array would cost a dozen reference counts apiece.
            try offers.withUnsafeBufferPointer { buffer in
                try db.inTransaction(.immediate) {
                    if let claim { try checkClaim(claim) }
                    let expected = try db.firstRow("SELECT offers FROM providers WHERE key = ?", [.text(provider)]) {
                        $0.int64(0)
                    }
                    let old = try StoredOffers(provider: provider, expected: Int(expected ?? 0), db: db)
                    try db.run(
                        "INSERT INTO providers (key, offers, replaced_at) VALUES (?, 0, ?) ON CONFLICT(key) DO NOTHING",
                        [.text(provider), .integer(nowMs)])
                    guard let base = buffer.baseAddress else {
                        return try clear(provider: provider, old: old, nowMs: nowMs)
                    }
                    return try replace(provider: provider, old: old, offers: buffer, base: base, nowMs: nowMs)
                }
            }
        }
    }

    /// An empty catalog (accepted with `--force`): every stored offer goes.
    private func clear(provider: String, old: StoredOffers, nowMs: Int64) throws -> ReplaceOutcome {
        try db.run(PriceHistoryColumns.writeAppearances(where: "provider = ?"), [.text(provider)])
        try db.run("DELETE FROM offers WHERE provider = ?", [.text(provider)])
        try db.run(
            "UPDATE providers SET offers = 0, replaced_at = ? WHERE key = ?", [.integer(nowMs), .text(provider)])
        return ReplaceOutcome(
            provider: provider, previousOffers: old.count, offers: 0, appeared: 0, priceChanges: 0,
            removed: old.endpointCount, inserted: 0, rewritten: 0, deleted: old.count)
    }

    /// One `price_history` row to write: the endpoint of the offer at `offer` went from
    /// `old` to `new` at `at`, or appeared with `new` when `old` is nil.
    private struct HistoryRow: Sendable {
        var offer: Int
        var at: Int64
        var old: StoredPrice?
        var new: StoredPrice
    }

    private func replace(
        provider: String, old: StoredOffers, offers: UnsafeBufferPointer<Offer>, base: UnsafePointer<Offer>,
        nowMs: Int64
    ) throws -> ReplaceOutcome {
        // A mostly new catalog is inserted almost whole: put all of it in insert order on
        // another thread while this one makes the first pass, then keep the new ones.
        nonisolated(unsafe) let shared = offers
        let presorted =
            old.count < offers.count / 2 && offers.count >= 4_096
            ? BackgroundWork { OfferInsertOrder.sorted(Array(shared.indices), of: shared) }
            : nil
        // It reads the offers: it must be done before this returns, even by a throw.
        defer { _ = presorted?.wait() }
        // First pass, in catalog order: check every offer, drop repeated listings (the
        // first one wins), match each with its stored row, and find the prices that
        // changed or appeared.
        var identities = DigestSet(capacity: offers.count)
        var endpoints = DigestSet(capacity: offers.count)
        var matched = [Int](repeating: -1, count: old.count)
        var inserts: [Int] = []
        var updates: [(index: Int, id: Int64)] = []
        var digests = [Int64](repeating: 0, count: offers.count)
        // Each stored offer's pending appearance time (see `priceHistory`), which all
        // rows of one (served-by, model) share: the first listing decides it.
        var appearedAt = [Int64?](repeating: nil, count: offers.count)
        var history: [HistoryRow] = []
        var appeared = 0
        var stored = 0
        // Every offer's digests, in parts on every core: pure reads.
        var allDigests = [OfferFingerprint.Digests](
            repeating: OfferFingerprint.Digests(endpoint: 0, identity: 0, content: 0), count: offers.count)
        allDigests.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            Parallel.forEachPart(of: offers.count, parts: Parallel.parts(for: offers.count)) { _, range in
                for index in range { out[index] = OfferFingerprint.digests(base + index) }
            }
        }
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

        // Second pass: write out the pending appearances of the endpoints that went,
        // delete the rows no offer matched, rewrite the changed ones, insert the new ones
        // in the market index's order, then write the history rows.
        var removed = 0
        let writeAppearance = try db.cachedStatement(PriceHistoryColumns.writeAppearances(where: "id = ?"))
        for row in old.endpointRows where !endpoints.contains(row.endpoint) {
            removed += 1
            guard row.appearedAt != nil else { continue }
            try writeAppearance.bind(row.id, at: 1)
            try writeAppearance.execute()
            writeAppearance.reset()
        }
        let delete = try db.cachedStatement("DELETE FROM offers WHERE id = ?")
        let setAppeared = try db.cachedStatement("UPDATE offers SET appeared_at = ? WHERE id = ?")
        var deleted = 0
        for position in matched.indices {
            let index = matched[position]
            let row = old.rows[position]
            if index < 0 {
                try delete.bind(row.id, at: 1)
                try delete.execute()
                delete.reset()
                deleted += 1
            } else if row.content == digests[index], row.appearedAt != appearedAt[index] {
                // Unchanged, but its endpoint's appearance was just written out.
                try setAppeared.bind(appearedAt[index], at: 1)
                try setAppeared.bind(row.id, at: 2)
                try setAppeared.execute()
                setAppeared.reset()
            }
        }
        if !updates.isEmpty {
            let update = try db.cachedStatement(OfferColumns.updateSQL)
            var row = EncodedRows(columns: OfferColumns.writtenNames.count + 1, rowCapacity: 1)
            for (index, id) in updates {
                row.removeAll()
                OfferColumns.encode(
                    base + index, changedAt: nowMs, digest: digests[index], appearedAt: appearedAt[index], into: &row)
                row.integer(id)
                try row.execute(rows: 0, count: 1, statement: update)
            }
        }
        let order: [Int]
        if let all = presorted?.wait() {
            var isInsert = [Bool](repeating: false, count: offers.count)
            for index in inserts { isInsert[index] = true }
            order = all.filter { isInsert[$0] }
        } else {
            order = OfferInsertOrder.sorted(inserts, of: offers)
        }
        // The offers are read on the encoding thread while this one inserts; the buffer
        // stays put and unchanged until insertPipelined returns.
        nonisolated(unsafe) let first = base
        try db.insertPipelined(
            count: order.count, columns: OfferColumns.writtenNames.count, sql: OfferColumns.insertSQL(rows:)
        ) { [digests, appearedAt] range, rows in
            for index in order[range] {
                OfferColumns.encode(
                    first + index, changedAt: nowMs, digest: digests[index], appearedAt: appearedAt[index], into: &rows)
            }
        }
        // In about the (model, at) index's order, so each insert lands near the last.
        // String order is byte order for ASCII ids, and close enough for the rest.
        history.sort { (base + $0.offer).pointee.model < (base + $1.offer).pointee.model }
        try db.insertPipelined(
            count: history.count, columns: PriceHistoryColumns.names.count, sql: PriceHistoryColumns.insertSQL(rows:)
        ) { [history] range, rows in
            for row in history[range] {
                PriceHistoryColumns.encode(first + row.offer, old: row.old, new: row.new, at: row.at, into: &rows)
            }
        }

        try db.run(
            "UPDATE providers SET offers = ?, replaced_at = ? WHERE key = ?",
            [.integer(Int64(stored)), .integer(nowMs), .text(provider)])
        return ReplaceOutcome(
            provider: provider, previousOffers: old.count, offers: stored, appeared: appeared,
            priceChanges: history.count { $0.old != nil }, removed: removed, inserted: inserts.count,
            rewritten: updates.count, deleted: deleted)
    }

    /// The number of stored offers of `provider`.
    public func offerCount(provider: String) throws -> Int {
        try offerCount(of: provider)
    }

    /// The number of stored offers of every provider that has any, by registry key.
    public func offerCounts() throws -> [String: Int] {
        let rows = try db.rows("SELECT provider, count(*) FROM offers GROUP BY provider") {
            ($0.text(0), Int($0.int64(1)))
        }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// Removes a provider and all its offers (a registry entry that was deleted).
    /// Its refresh runs, price history and usage stay.
    public func removeProvider(_ provider: String) throws {
        try db.inTransaction(.immediate) {
            try db.run(PriceHistoryColumns.writeAppearances(where: "provider = ?"), [.text(provider)])
            try db.run("DELETE FROM offers WHERE provider = ?", [.text(provider)])
            try db.run("DELETE FROM providers WHERE key = ?", [.text(provider)])
        }
    }

    private func offerCount(of provider: String) throws -> Int {
        let count = try db.firstRow("SELECT count(*) FROM offers WHERE provider = ?", [.text(provider)]) { $0.int64(0) }
        return Int(count ?? 0)
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
