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
    /// disk error — the transaction rolls back and the old offers stay.
    @discardableResult
    public func replaceOffers(provider: String, offers: [Offer], nowMs: Int64) throws -> ReplaceOutcome {
        // A refresh rewrites index pages all over the file: a page cache big enough for a
        // whole provider's catalog keeps the transaction from spilling before its commit.
        try db.withPageCache(kibibytes: 65_536) {
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
                    return try replace(provider: provider, old: old, offers: buffer, nowMs: nowMs)
                }
            }
        }
    }

    /// Writes the ``OfferReplaceDiff`` of `old` and `offers`, one statement per row changed and
    /// the inserts pipelined.
    private func replace(provider: String, old: StoredOffers, offers: UnsafeBufferPointer<Offer>, nowMs: Int64)
        throws -> ReplaceOutcome
    {
        // A mostly new catalog is inserted almost whole: put all of it in insert order on
        // another thread while this one works out the diff, then keep the new ones.
        nonisolated(unsafe) let shared = offers
        let presorted =
            old.count < offers.count / 2 && offers.count >= 4_096
            ? BackgroundWork { OfferInsertOrder.sorted(Array(shared.indices), of: shared) }
            : nil
        // It reads the offers: it must be done before this returns, even by a throw.
        defer { _ = presorted?.wait() }
        let diff = try OfferReplaceDiff(provider: provider, old: old, offers: offers, nowMs: nowMs)

        // The pending appearances of the endpoints that went, the deletes, the unchanged rows'
        // appearances, the rewrites, the inserts in the market index's order, then the history rows.
        let writeAppearance = try db.cachedStatement(PriceHistoryColumns.writeAppearances(where: "id = ?"))
        for id in diff.appearancesToWrite {
            try writeAppearance.bind(id, at: 1)
            try writeAppearance.execute()
            writeAppearance.reset()
        }
        let delete = try db.cachedStatement("DELETE FROM offers WHERE id = ?")
        for id in diff.deletes {
            try delete.bind(id, at: 1)
            try delete.execute()
            delete.reset()
        }
        let setAppeared = try db.cachedStatement("UPDATE offers SET appeared_at = ? WHERE id = ?")
        for (id, appearedAt) in diff.appearanceUpdates {
            try setAppeared.bind(appearedAt, at: 1)
            try setAppeared.bind(id, at: 2)
            try setAppeared.execute()
            setAppeared.reset()
        }
        // The rows written from the catalog (none from an empty one).
        if let base = offers.baseAddress {
            try write(diff, offers: offers, base: base, presorted: presorted, nowMs: nowMs)
        }
        try db.run(
            "UPDATE providers SET offers = ?, replaced_at = ? WHERE key = ?",
            [.integer(Int64(diff.stored)), .integer(nowMs), .text(provider)])
        return diff.outcome(provider: provider)
    }

    /// The diff's rewrites, inserts and history rows.
    private func write(
        _ diff: OfferReplaceDiff, offers: UnsafeBufferPointer<Offer>, base: UnsafePointer<Offer>,
        presorted: BackgroundWork<[Int]>?, nowMs: Int64
    ) throws {
        let digests = diff.digests
        let appearedAt = diff.appearedAt
        try db.updateEach(diff.updates, sql: OfferColumns.updateSQL, columns: OfferColumns.writtenNames.count) {
            OfferColumns.encode(base + $0, changedAt: nowMs, digest: digests[$0], appearedAt: appearedAt[$0], into: &$1)
        }
        let order = diff.insertOrder(presorted: presorted?.wait(), of: offers)
        // The offers are read on the encoding thread while this one inserts; the buffer
        // stays put and unchanged until insertPipelined returns.
        nonisolated(unsafe) let first = base
        try db.insertEach(order, columns: OfferColumns.writtenNames.count, sql: OfferColumns.insertSQL(rows:)) {
            OfferColumns.encode(
                first + $0, changedAt: nowMs, digest: digests[$0], appearedAt: appearedAt[$0], into: &$1)
        }
        let history = diff.history
        try db.insertPipelined(
            count: history.count, columns: PriceHistoryColumns.names.count, sql: PriceHistoryColumns.insertSQL(rows:)
        ) { range, rows in
            for row in history[range] {
                PriceHistoryColumns.encode(first + row.offer, old: row.old, new: row.new, at: row.at, into: &rows)
            }
        }
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
}
