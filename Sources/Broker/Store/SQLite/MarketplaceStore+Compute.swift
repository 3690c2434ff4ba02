import ProviderInterface

extension MarketplaceStore {
    /// Replaces every compute offer of `source` with `offers`, all or nothing, in one
    /// `BEGIN IMMEDIATE` transaction, writing only what differs: each offer is matched with the
    /// stored row of the same offer id by a digest of its fields, so unchanged rows are left
    /// alone, changed ones rewritten, new ones inserted and missing ones deleted. Records the
    /// catalog `version` and a price-history row for each offer id whose price changed. An offer
    /// id listed twice is stored once (the first wins). When anything throws the old offers stay.
    @discardableResult
    public func replaceComputeOffers(source: String, offers: [ComputeOffer], version: String?, nowMs: Int64) throws
        -> ComputeReplaceOutcome
    {
        try db.withPageCache(kibibytes: 65_536) {
            try db.inTransaction(.immediate) {
                var old: [String: ComputeOfferDiff.StoredRow] = [:]
                for row in try db.rows(
                    "SELECT offer_id, id, row_hash, currency, price_pico FROM compute_offers WHERE source = ?",
                    [.text(source)],
                    { ($0.text(0), $0.int64(1), $0.int64(2), $0.text(3), $0.optionalInt64(4)) })
                {
                    old[row.0] = ComputeOfferDiff.StoredRow(id: row.1, hash: row.2, currency: row.3, price: row.4)
                }
                // Read in place: copying each offer out of the array costs a dozen reference counts.
                return try offers.withUnsafeBufferPointer { buffer in
                    let diff = try ComputeOfferDiff(source: source, old: old, offers: buffer)
                    let delete = try db.cachedStatement("DELETE FROM compute_offers WHERE id = ?")
                    for id in diff.deletes {
                        try delete.bind(id, at: 1)
                        try delete.execute()
                        delete.reset()
                    }
                    if let base = buffer.baseAddress { try write(diff, source: source, base: base) }
                    // One multi-row INSERT per 32 changes: a catalog whose every price moved writes
                    // as many history rows as offers.
                    let changes = diff.changes
                    try db.insertPipelined(
                        count: changes.count, columns: ComputeColumns.historyNames.count,
                        sql: ComputeColumns.historyInsertSQL(rows:)
                    ) { range, encoded in
                        for change in changes[range] {
                            encoded.text(source)
                            encoded.text(change.offer)
                            encoded.integer(nowMs)
                            encoded.text(change.currency)
                            encoded.integer(change.old)
                            encoded.integer(change.new)
                        }
                    }
                    try db.run(
                        ComputeOfferDiff.recordSourceSQL,
                        [.text(source), .int(diff.stored), .text(version), .text(diff.currencyList), .integer(nowMs)])
                    return diff.outcome
                }
            }
        }
    }

    /// The diff's rewrites (of the price columns alone where only the price moved) and inserts.
    private func write(_ diff: ComputeOfferDiff, source: String, base: UnsafePointer<ComputeOffer>) throws {
        let digests = diff.digests
        let tags = diff.tags
        try db.updateEach(diff.updates, sql: ComputeColumns.updateSQL, columns: ComputeColumns.writtenNames.count) {
            ComputeColumns.encode(base + $0, source: source, digest: digests[$0], tags: tags[$0], into: &$1)
        }
        try db.updateEach(
            diff.priceUpdates, sql: ComputeColumns.priceUpdateSQL, columns: ComputeColumns.priceUpdateColumns
        ) { index, row in
            let offer = base + index
            row.integer(offer.pointee.pricePerHour)
            row.integer(offer.pointee.pricePerGPUHour)
            row.integer(digests[index])
            row.integer(offer.pointee.pricePerHour ?? Int64.max)
            row.integer(offer.pointee.pricePerGPUHour ?? Int64.max)
        }
        // The offers are read on the encoding thread while this one inserts; the
        // buffer stays put and unchanged until insertPipelined returns.
        nonisolated(unsafe) let first = base
        try db.insertEach(
            diff.inserts, columns: ComputeColumns.writtenNames.count, sql: ComputeColumns.insertSQL(rows:)
        ) { ComputeColumns.encode(first + $0, source: source, digest: digests[$0], tags: tags[$0], into: &$1) }
    }

    /// Marks `source`'s stored offers as confirmed at `nowMs` (its catalog did not change).
    public func confirmComputeOffers(source: String, nowMs: Int64) throws {
        try db.inTransaction(.immediate) {
            try db.run("UPDATE compute_sources SET replaced_at = ? WHERE key = ?", [.integer(nowMs), .text(source)])
        }
    }

    /// The catalog version stored for `source`, if any.
    public func computeCatalogVersion(source: String) throws -> String? {
        try db.firstRow("SELECT version FROM compute_sources WHERE key = ?", [.text(source)]) { $0.optionalText(0) }
            ?? nil
    }

    /// The number of stored compute offers of `source`.
    public func computeOfferCount(source: String) throws -> Int {
        Int(
            try db.firstRow("SELECT count(*) FROM compute_offers WHERE source = ?", [.text(source)]) { $0.int64(0) }
                ?? 0)
    }

    /// The recorded price changes of one compute offer, oldest first: (at, currency, old, new).
    public func computePriceHistory(source: String, offerID: String) throws -> [(
        at: Int64, currency: String, old: Int64?, new: Int64?
    )] {
        try db.rows(
            "SELECT at, currency, old_price_pico, new_price_pico FROM compute_price_history WHERE source = ? AND offer_id = ? ORDER BY at, id",
            [.text(source), .text(offerID)]
        ) { ($0.int64(0), $0.text(1), $0.optionalInt64(2), $0.optionalInt64(3)) }
    }

    /// The compute offers matching `query`, from one snapshot: filtered in SQL, one ordered
    /// query per currency (each walking its `(currency, price)` index, cut at the limit), merged
    /// through the stored rate by the exact converted price.
    public func queryComputeOffers(_ query: ComputeQuery) throws -> [ComputeMarketOffer] {
        try db.inTransaction(.deferred) {
            let sources = try computeSources()
            let converter = try readExchangeRates().map(CurrencyConverter.init(rates:))
            let built = ComputeQuerySQL(query, sources: sources, converter: converter)
            let refreshed = Dictionary(sources.map { ($0.key, $0.refreshedAt ?? 0) }, uniquingKeysWith: { a, _ in a })
            let parts = try built.parts.map { part in
                try db.rows(part.sql, part.arguments) { try ComputeColumns.read($0, refreshedAt: refreshed) }
            }
            return ComputeOfferMerge.merge(parts, query: query, converter: converter)
        }
    }

    /// SQLite's plans for `query` (one per currency queried), for benchmarks and tests that
    /// check an index is used.
    public func computeQueryPlan(_ query: ComputeQuery) throws -> [String] {
        let built = ComputeQuerySQL(
            query, sources: try computeSources(), converter: try readExchangeRates().map(CurrencyConverter.init(rates:))
        )
        return try built.parts.flatMap { part in
            try db.rows("EXPLAIN QUERY PLAN " + part.sql, part.arguments) { $0.text(3) }
        }
    }

    func computeSources() throws -> [ComputeSourceState] {
        try db.rows("SELECT key, replaced_at, version, currencies FROM compute_sources") {
            ComputeSourceState(
                key: $0.text(0), refreshedAt: $0.optionalInt64(1), version: $0.optionalText(2),
                currencies: OfferColumns.decodeList($0.text(3)))
        }
    }
}
