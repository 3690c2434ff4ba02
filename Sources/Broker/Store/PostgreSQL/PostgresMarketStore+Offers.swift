import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    /// A stored offer row as a replace finds it.
    private struct StoredRow {
        var id: Int64
        var identity: Identity
        var content: Int64?
        var price: StoredPrice
        var appearedAt: Int64?
    }

    /// An offer's identity within its provider: (served-by, model, task).
    private struct Identity: Hashable {
        var servedBy: String
        var model: String
        var task: String
        var endpoint: Endpoint { Endpoint(servedBy: servedBy, model: model) }
    }

    /// A serving endpoint: (served-by, model), the key of price history.
    private struct Endpoint: Hashable {
        var servedBy: String
        var model: String
    }

    /// One `price_history` row to write (see ``MarketplaceStore/replaceOffers(provider:offers:nowMs:)``).
    private struct HistoryRow {
        var offer: Int
        var at: Int64
        var old: StoredPrice?
        var new: StoredPrice
    }

    /// Replaces every offer of `provider` with `offers`, all or nothing, by the rules of
    /// ``MarketplaceStore/replaceOffers(provider:offers:nowMs:)``: unchanged rows are left alone
    /// (matched by identity and content digest), changed ones rewritten, new ones inserted in
    /// the same order (so ids break ties as rowids do) with one `COPY`, missing ones deleted;
    /// price history and pending appearances are kept the same way. Replaces of one provider
    /// wait for each other (an advisory lock), across instances. With a `claim`, the
    /// transaction first checks that this session still holds it (``StoreError/Code/fenced``
    /// otherwise); its commit notifies the other instances (`pg_notify`, ``offerChanges()``).
    @discardableResult
    public func replaceOffers(provider: String, offers: [Offer], nowMs: Int64, fencedBy claim: RefreshClaim?) throws
        -> ReplaceOutcome
    {
        try offers.withUnsafeBufferPointer { buffer in
            try write(lock: "offers:" + provider) {
                if let claim { try checkClaim(claim) }
                try notifyOfferChange(provider)
                let old = try db.rows(
                    """
                    SELECT id, served_by, model, task, row_hash, billing, input_pico, output_pico, unit_pico, appeared_at, currency
                    FROM offers WHERE provider = $1 ORDER BY id
                    """, [.text(provider)]
                ) { s in
                    StoredRow(
                        id: try s.int64(0),
                        identity: Identity(servedBy: try s.text(1), model: try s.text(2), task: try s.text(3)),
                        content: try s.optionalInt64(4),
                        price: StoredPrice(
                            billing: try s.text(5), input: try s.optionalInt64(6), output: try s.optionalInt64(7),
                            unit: try s.optionalInt64(8), currency: try s.text(10)),
                        appearedAt: try s.optionalInt64(9))
                }
                try db.run(
                    "INSERT INTO providers (key, offers, replaced_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING",
                    [.text(provider), .integer(nowMs)])
                guard let base = buffer.baseAddress else {
                    return try clear(provider: provider, old: old, nowMs: nowMs)
                }
                return try replace(provider: provider, old: old, offers: buffer, base: base, nowMs: nowMs)
            }
        }
    }

    /// An empty catalog: every stored offer goes, its pending appearances written first.
    private func clear(provider: String, old: [StoredRow], nowMs: Int64) throws -> ReplaceOutcome {
        try db.run(PostgresSQL.numbered(PriceHistoryColumns.writeAppearances(where: "provider = ?")), [.text(provider)])
        try db.run("DELETE FROM offers WHERE provider = $1", [.text(provider)])
        try db.run(
            "UPDATE providers SET offers = 0, replaced_at = $1 WHERE key = $2", [.integer(nowMs), .text(provider)])
        return ReplaceOutcome(
            provider: provider, previousOffers: old.count, offers: 0, appeared: 0, priceChanges: 0,
            removed: Set(old.map(\.identity.endpoint)).count, inserted: 0, rewritten: 0, deleted: old.count)
    }

    private func replace(
        provider: String, old: [StoredRow], offers: UnsafeBufferPointer<Offer>, base: UnsafePointer<Offer>, nowMs: Int64
    ) throws -> ReplaceOutcome {
        var byIdentity: [Identity: Int] = [:]
        var byEndpoint: [Endpoint: Int] = [:]
        for (position, row) in old.enumerated() {
            if byIdentity[row.identity] == nil { byIdentity[row.identity] = position }
            if byEndpoint[row.identity.endpoint] == nil { byEndpoint[row.identity.endpoint] = position }
        }
        // First pass, in catalog order, as the SQLite store's.
        var identities = Set<Identity>()
        var firstListing: [Endpoint: Int] = [:]
        var matched = [Int](repeating: -1, count: old.count)
        var inserts: [Int] = []
        var updates: [(index: Int, id: Int64)] = []
        var digests = [Int64](repeating: 0, count: offers.count)
        var appearedAt = [Int64?](repeating: nil, count: offers.count)
        var history: [HistoryRow] = []
        var appeared = 0
        var stored = 0
        for index in offers.indices {
            let offer = base + index
            try MarketplaceStore.validate(offer, index: index, provider: provider)
            let identity = Identity(
                servedBy: offer.pointee.servedBy, model: offer.pointee.model, task: offer.pointee.task.rawValue)
            guard identities.insert(identity).inserted else { continue }
            stored += 1
            let digest = OfferFingerprint.digests(offer).content
            digests[index] = digest
            if let position = byIdentity[identity], matched[position] < 0 {
                matched[position] = index
                if old[position].content != digest { updates.append((index, old[position].id)) }
            } else {
                inserts.append(index)
            }
            let endpoint = identity.endpoint
            if let first = firstListing[endpoint] {
                appearedAt[index] = appearedAt[first]
                continue
            }
            firstListing[endpoint] = index
            guard let position = byEndpoint[endpoint] else {
                appeared += 1
                appearedAt[index] = nowMs
                continue
            }
            let previous = old[position].price
            let pending = old[position].appearedAt
            let price = StoredPrice(offer.pointee.price)
            if previous == price {
                appearedAt[index] = pending
                continue
            }
            if let pending { history.append(HistoryRow(offer: index, at: pending, old: nil, new: previous)) }
            history.append(HistoryRow(offer: index, at: nowMs, old: previous, new: price))
        }

        // Second pass: pending appearances of the endpoints that went, deletes, rewrites,
        // inserts in the market index's order, then the history rows.
        var removed = 0
        var appearancesToWrite: [Int64] = []
        for (endpoint, position) in byEndpoint.sorted(by: { $0.value < $1.value }) where firstListing[endpoint] == nil {
            removed += 1
            if old[position].appearedAt != nil { appearancesToWrite.append(old[position].id) }
        }
        if !appearancesToWrite.isEmpty {
            // One statement, in the stored rows' order (the SQLite store writes them one by one in it).
            try db.run(
                PostgresSQL.numbered(
                    PriceHistoryColumns.writeAppearances(where: "id = ANY(?::bigint[])") + " ORDER BY id"),
                [PostgresSQL.idArray(appearancesToWrite)])
        }
        var deletedIDs: [Int64] = []
        for position in matched.indices {
            let index = matched[position]
            let row = old[position]
            if index < 0 {
                deletedIDs.append(row.id)
            } else if row.content == digests[index], row.appearedAt != appearedAt[index] {
                try db.run(
                    "UPDATE offers SET appeared_at = $1 WHERE id = $2", [.integer(appearedAt[index]), .integer(row.id)])
            }
        }
        if !deletedIDs.isEmpty {
            try db.run("DELETE FROM offers WHERE id = ANY($1::bigint[])", [PostgresSQL.idArray(deletedIDs)])
        }
        if !updates.isEmpty {
            var encoded = EncodedRows(columns: OfferColumns.writtenNames.count + 1, rowCapacity: updates.count)
            for (index, id) in updates {
                OfferColumns.encode(
                    base + index, changedAt: nowMs, digest: digests[index], appearedAt: appearedAt[index],
                    into: &encoded)
                encoded.integer(id)
            }
            try updateRows("offers", columns: OfferColumns.writtenNames, encoded.postgresRows())
        }
        let order = OfferInsertOrder.sorted(inserts, of: offers)
        if !order.isEmpty {
            var encoded = EncodedRows(columns: OfferColumns.writtenNames.count, rowCapacity: order.count)
            for index in order {
                OfferColumns.encode(
                    base + index, changedAt: nowMs, digest: digests[index], appearedAt: appearedAt[index],
                    into: &encoded)
            }
            try db.copyRows(into: "offers", columns: OfferColumns.writtenNames, encoded.postgresRows())
        }
        if !history.isEmpty {
            history.sort { (base + $0.offer).pointee.model < (base + $1.offer).pointee.model }
            var encoded = EncodedRows(columns: PriceHistoryColumns.names.count, rowCapacity: history.count)
            for row in history {
                PriceHistoryColumns.encode(base + row.offer, old: row.old, new: row.new, at: row.at, into: &encoded)
            }
            try db.copyRows(into: "price_history", columns: PriceHistoryColumns.names, encoded.postgresRows())
        }
        try db.run(
            "UPDATE providers SET offers = $1, replaced_at = $2 WHERE key = $3",
            [.integer(Int64(stored)), .integer(nowMs), .text(provider)])
        return ReplaceOutcome(
            provider: provider, previousOffers: old.count, offers: stored, appeared: appeared,
            priceChanges: history.count { $0.old != nil }, removed: removed, inserted: inserts.count,
            rewritten: updates.count, deleted: deletedIDs.count)
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
