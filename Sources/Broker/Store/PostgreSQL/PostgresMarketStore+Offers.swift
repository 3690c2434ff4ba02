import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    /// Replaces every offer of `provider` with `offers`, all or nothing, by the rules of
    /// ``MarketplaceStore/replaceOffers(provider:offers:nowMs:)``: unchanged rows are left alone
    /// (matched by identity and content digest), changed ones rewritten, new ones inserted in
    /// the same order (so ids break ties as rowids do) with one `COPY`, missing ones deleted;
    /// price history and pending appearances are kept the same way. Replaces of one provider
    /// wait for each other (an advisory lock), across instances.
    @discardableResult
    public func replaceOffers(provider: String, offers: [Offer], nowMs: Int64) throws -> ReplaceOutcome {
        try offers.withUnsafeBufferPointer { buffer in
            try write(lock: "offers:" + provider) {
                let old = try storedOffers(provider: provider)
                try db.run(
                    "INSERT INTO providers (key, offers, replaced_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING",
                    [.text(provider), .integer(nowMs)])
                return try replace(provider: provider, old: old, offers: buffer, nowMs: nowMs)
            }
        }
    }

    /// The stored offers of `provider`, for ``OfferReplaceDiff``, in id order.
    private func storedOffers(provider: String) throws -> StoredOffers {
        var identities: [UInt64] = []
        let rows = try db.rows(
            """
            SELECT id, served_by, model, task, row_hash, billing, input_pico, output_pico, unit_pico, appeared_at, currency
            FROM offers WHERE provider = $1 ORDER BY id
            """, [.text(provider)]
        ) { s in
            var f = OfferFingerprint()
            let endpoint = f.addIdentity(servedBy: try s.text(1), model: try s.text(2), task: try s.text(3))
            identities.append(f.value)
            return StoredOffers.Row(
                id: try s.int64(0), content: try s.optionalInt64(4), endpoint: endpoint,
                price: StoredPrice(
                    billing: try s.text(5), input: try s.optionalInt64(6), output: try s.optionalInt64(7),
                    unit: try s.optionalInt64(8), currency: try s.text(10)),
                appearedAt: try s.optionalInt64(9))
        }
        return StoredOffers(rows: rows, identities: identities)
    }

    /// Writes the ``OfferReplaceDiff`` of `old` and `offers`: a statement per kind of change,
    /// the inserts and history rows with `COPY`.
    private func replace(provider: String, old: StoredOffers, offers: UnsafeBufferPointer<Offer>, nowMs: Int64)
        throws -> ReplaceOutcome
    {
        let diff = try OfferReplaceDiff(provider: provider, old: old, offers: offers, nowMs: nowMs)
        if !diff.appearancesToWrite.isEmpty {
            // One statement, in the stored rows' order (the SQLite store writes them one by one in it).
            try db.run(
                PostgresSQL.numbered(
                    PriceHistoryColumns.writeAppearances(where: "id = ANY(?::bigint[])") + " ORDER BY id"),
                [PostgresSQL.idArray(diff.appearancesToWrite)])
        }
        if !diff.deletes.isEmpty {
            try db.run("DELETE FROM offers WHERE id = ANY($1::bigint[])", [PostgresSQL.idArray(diff.deletes)])
        }
        for (id, appearedAt) in diff.appearanceUpdates {
            try db.run("UPDATE offers SET appeared_at = $1 WHERE id = $2", [.integer(appearedAt), .integer(id)])
        }
        // The rows written from the catalog (none from an empty one).
        if let base = offers.baseAddress { try write(diff, offers: offers, base: base, nowMs: nowMs) }
        try db.run(
            "UPDATE providers SET offers = $1, replaced_at = $2 WHERE key = $3",
            [.integer(Int64(diff.stored)), .integer(nowMs), .text(provider)])
        return diff.outcome(provider: provider)
    }

    /// The diff's rewrites, inserts (with `COPY`) and history rows.
    private func write(
        _ diff: OfferReplaceDiff, offers: UnsafeBufferPointer<Offer>, base: UnsafePointer<Offer>, nowMs: Int64
    ) throws {
        if !diff.updates.isEmpty {
            var encoded = EncodedRows(columns: OfferColumns.writtenNames.count + 1, rowCapacity: diff.updates.count)
            for (index, id) in diff.updates {
                OfferColumns.encode(
                    base + index, changedAt: nowMs, digest: diff.digests[index], appearedAt: diff.appearedAt[index],
                    into: &encoded)
                encoded.integer(id)
            }
            try updateRows("offers", columns: OfferColumns.writtenNames, encoded.postgresRows())
        }
        let order = diff.insertOrder(presorted: nil, of: offers)
        if !order.isEmpty {
            var encoded = EncodedRows(columns: OfferColumns.writtenNames.count, rowCapacity: order.count)
            for index in order {
                OfferColumns.encode(
                    base + index, changedAt: nowMs, digest: diff.digests[index], appearedAt: diff.appearedAt[index],
                    into: &encoded)
            }
            try db.copyRows(into: "offers", columns: OfferColumns.writtenNames, encoded.postgresRows())
        }
        if !diff.history.isEmpty {
            var encoded = EncodedRows(columns: PriceHistoryColumns.names.count, rowCapacity: diff.history.count)
            for row in diff.history {
                PriceHistoryColumns.encode(base + row.offer, old: row.old, new: row.new, at: row.at, into: &encoded)
            }
            try db.copyRows(into: "price_history", columns: PriceHistoryColumns.names, encoded.postgresRows())
        }
    }

    /// The number of stored offers of `provider`.
    public func offerCount(provider: String) throws -> Int {
        try withConnection {
            Int(
                try db.firstRow("SELECT count(*) FROM offers WHERE provider = $1", [.text(provider)]) {
                    try $0.int64(0)
                } ?? 0)
        }
    }
}
