import ProviderInterface

extension MarketplaceStore {
    /// Replaces every compute offer of `source` with `offers`, all or nothing, in one
    /// `BEGIN IMMEDIATE` transaction, writing only what differs: each offer is matched with the
    /// stored row of the same offer id by a digest of its fields, so unchanged rows are left
    /// alone, changed ones rewritten, new ones inserted and missing ones deleted. Records the
    /// catalog `version` and a price-history row for each offer id whose price changed. An offer
    /// id listed twice is stored once (the first wins). When anything throws the old offers stay.
    @discardableResult
    public func replaceComputeOffers(
        source: String, offers: [ComputeOffer], version: String?, nowMs: Int64, fencedBy claim: RefreshClaim?
    ) throws -> ComputeReplaceOutcome {
        try db.withPageCache(kibibytes: 65_536) {
            try db.inTransaction(.immediate) {
                if let claim { try checkClaim(claim) }
                var old: [String: (id: Int64, hash: Int64, currency: String, price: Int64?)] = [:]
                for row in try db.rows(
                    "SELECT offer_id, id, row_hash, currency, price_pico FROM compute_offers WHERE source = ?",
                    [.text(source)],
                    { ($0.text(0), $0.int64(1), $0.int64(2), $0.text(3), $0.optionalInt64(4)) })
                {
                    old[row.0] = (row.1, row.2, row.3, row.4)
                }
                var matched = Set<String>(minimumCapacity: old.count)
                var seen = Set<String>(minimumCapacity: offers.count)
                var inserts: [Int] = []
                var updates: [(index: Int, id: Int64)] = []
                var priceUpdates: [(index: Int, id: Int64)] = []
                var digests = [Int64](repeating: 0, count: offers.count)
                var tags = [String](repeating: "", count: offers.count)
                var changes: [(offer: String, currency: String, old: Int64?, new: Int64?)] = []
                var currencies = Set<String>()
                // Offers share few region records: their tag text is derived once per record.
                var tagTexts: [RegionRecord: String] = [:]
                // Read in place: copying each offer out of the array costs a dozen reference counts.
                try offers.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    for index in buffer.indices {
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
                                (
                                    offer.pointee.offerID, offer.pointee.currency, previous.price,
                                    offer.pointee.pricePerHour
                                ))
                        }
                    }
                }
                let delete = try db.cachedStatement("DELETE FROM compute_offers WHERE id = ?")
                var removed = 0
                for (offerID, row) in old where !matched.contains(offerID) {
                    try delete.bind(row.id, at: 1)
                    try delete.execute()
                    delete.reset()
                    removed += 1
                }
                try offers.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    if !updates.isEmpty {
                        let update = try db.cachedStatement(ComputeColumns.updateSQL)
                        var row = EncodedRows(columns: ComputeColumns.writtenNames.count + 1, rowCapacity: 1)
                        for (index, id) in updates {
                            row.removeAll()
                            ComputeColumns.encode(
                                base + index, source: source, digest: digests[index], tags: tags[index], into: &row)
                            row.integer(id)
                            try row.execute(rows: 0, count: 1, statement: update)
                        }
                    }
                    if !priceUpdates.isEmpty {
                        let update = try db.cachedStatement(ComputeColumns.priceUpdateSQL)
                        var row = EncodedRows(columns: ComputeColumns.priceUpdateColumns, rowCapacity: 1)
                        for (index, id) in priceUpdates {
                            let offer = base + index
                            row.removeAll()
                            row.integer(offer.pointee.pricePerHour)
                            row.integer(offer.pointee.pricePerGPUHour)
                            row.integer(digests[index])
                            row.integer(offer.pointee.pricePerHour ?? Int64.max)
                            row.integer(offer.pointee.pricePerGPUHour ?? Int64.max)
                            row.integer(id)
                            try row.execute(rows: 0, count: 1, statement: update)
                        }
                    }
                    // The offers are read on the encoding thread while this one inserts; the
                    // buffer stays put and unchanged until insertPipelined returns.
                    nonisolated(unsafe) let first = base
                    // In the (currency, price) index's order, so that index only appends and the
                    // per-GPU one, which mostly follows it, nearly so.
                    let order = inserts.sorted { a, b in
                        let x = base + a
                        let y = base + b
                        if x.pointee.currency != y.pointee.currency { return x.pointee.currency < y.pointee.currency }
                        return (x.pointee.pricePerHour ?? Int64.max) < (y.pointee.pricePerHour ?? Int64.max)
                    }
                    try db.insertPipelined(
                        count: order.count, columns: ComputeColumns.writtenNames.count,
                        sql: ComputeColumns.insertSQL(rows:)
                    ) { [digests, tags] range, encoded in
                        for index in order[range] {
                            ComputeColumns.encode(
                                first + index, source: source, digest: digests[index], tags: tags[index], into: &encoded
                            )
                        }
                    }
                }
                // One multi-row INSERT per 32 changes: a catalog whose every price moved writes
                // as many history rows as offers.
                try db.insertPipelined(
                    count: changes.count, columns: ComputeColumns.historyNames.count,
                    sql: ComputeColumns.historyInsertSQL(rows:)
                ) { [changes] range, encoded in
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
                    """
                    INSERT INTO compute_sources (key, offers, version, currencies, replaced_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET offers = excluded.offers, version = excluded.version,
                        currencies = excluded.currencies, replaced_at = excluded.replaced_at
                    """,
                    [
                        .text(source), .int(seen.count), .text(version),
                        .text("," + currencies.sorted().joined(separator: ",") + ","),
                        .integer(nowMs),
                    ])
                return ComputeReplaceOutcome(
                    previousOffers: old.count, offers: seen.count, priceChanges: changes.count, appeared: inserts.count,
                    removed: removed, inserted: inserts.count, rewritten: updates.count + priceUpdates.count)
            }
        }
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
