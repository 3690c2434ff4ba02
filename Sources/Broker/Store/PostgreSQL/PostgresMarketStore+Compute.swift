import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    /// Replaces `source`'s compute offers with `offers` and its catalog `version`, all or nothing,
    /// by the rules of ``MarketplaceStore/replaceComputeOffers(source:offers:version:nowMs:)``:
    /// matched by offer id and digest, only what differs written (new rows in one `COPY`), a
    /// price-history row per changed price, the first listing of an offer id winning.
    @discardableResult
    public func replaceComputeOffers(
        source: String, offers: [ComputeOffer], version: String?, nowMs: Int64, fencedBy claim: RefreshClaim?
    ) throws -> ComputeReplaceOutcome {
        try offers.withUnsafeBufferPointer { buffer in
            try write(lock: "compute:" + source) {
                if let claim { try checkClaim(claim) }
                var old: [String: (id: Int64, hash: Int64, currency: String, price: Int64?)] = [:]
                for row in try db.rows(
                    "SELECT offer_id, id, row_hash, currency, price_pico FROM compute_offers WHERE source = $1 ORDER BY id",
                    [.text(source)],
                    { (try $0.text(0), try $0.int64(1), try $0.int64(2), try $0.text(3), try $0.optionalInt64(4)) })
                {
                    old[row.0] = (row.1, row.2, row.3, row.4)
                }
                var matched = Set<String>()
                var seen = Set<String>()
                var inserts: [Int] = []
                var updates: [(index: Int, id: Int64)] = []
                var digests = [Int64](repeating: 0, count: offers.count)
                var tags = [String](repeating: "", count: offers.count)
                var changes: [(offer: String, currency: String, old: Int64?, new: Int64?)] = []
                var currencies = Set<String>()
                if let base = buffer.baseAddress {
                    for index in buffer.indices {
                        let offer = base + index
                        try MarketplaceStore.validate(offer, index: index, source: source)
                        guard seen.insert(offer.pointee.offerID).inserted else { continue }
                        currencies.insert(offer.pointee.currency)
                        tags[index] = ComputeColumns.tagText(offer.pointee)
                        let digest = ComputeColumns.digest(offer, tags: tags[index])
                        digests[index] = digest
                        guard let previous = old[offer.pointee.offerID] else {
                            inserts.append(index)
                            continue
                        }
                        matched.insert(offer.pointee.offerID)
                        if previous.hash != digest { updates.append((index, previous.id)) }
                        if previous.price != offer.pointee.pricePerHour || previous.currency != offer.pointee.currency {
                            changes.append(
                                (
                                    offer.pointee.offerID, offer.pointee.currency, previous.price,
                                    offer.pointee.pricePerHour
                                ))
                        }
                    }
                }
                let gone = old.filter { !matched.contains($0.key) }.map(\.value.id)
                if !gone.isEmpty {
                    try db.run("DELETE FROM compute_offers WHERE id = ANY($1::bigint[])", [PostgresSQL.idArray(gone)])
                }
                if let base = buffer.baseAddress {
                    if !updates.isEmpty {
                        var encoded = EncodedRows(
                            columns: ComputeColumns.writtenNames.count + 1, rowCapacity: updates.count)
                        for (index, id) in updates {
                            ComputeColumns.encode(
                                base + index, source: source, digest: digests[index], tags: tags[index], into: &encoded)
                            encoded.integer(id)
                        }
                        try updateRows("compute_offers", columns: ComputeColumns.writtenNames, encoded.postgresRows())
                    }
                    // In the (currency, price) order the SQLite store inserts in: ids break ties alike.
                    let order = inserts.sorted { a, b in
                        let x = base + a
                        let y = base + b
                        if x.pointee.currency != y.pointee.currency { return x.pointee.currency < y.pointee.currency }
                        return (x.pointee.pricePerHour ?? Int64.max) < (y.pointee.pricePerHour ?? Int64.max)
                    }
                    if !order.isEmpty {
                        var encoded = EncodedRows(columns: ComputeColumns.writtenNames.count, rowCapacity: order.count)
                        for index in order {
                            ComputeColumns.encode(
                                base + index, source: source, digest: digests[index], tags: tags[index], into: &encoded)
                        }
                        try db.copyRows(
                            into: "compute_offers", columns: ComputeColumns.writtenNames, encoded.postgresRows())
                    }
                }
                if !changes.isEmpty {
                    let rows: [[PostgresValue]] = changes.map {
                        [
                            .text(source), .text($0.offer), .integer(nowMs), .text($0.currency), .integer($0.old),
                            .integer($0.new),
                        ]
                    }
                    try db.copyRows(into: "compute_price_history", columns: ComputeColumns.historyNames, rows)
                }
                try db.run(
                    """
                    INSERT INTO compute_sources (key, offers, version, currencies, replaced_at) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (key) DO UPDATE SET offers = excluded.offers, version = excluded.version,
                        currencies = excluded.currencies, replaced_at = excluded.replaced_at
                    """,
                    [
                        .text(source), .int(seen.count), .text(version),
                        .text("," + currencies.sorted().joined(separator: ",") + ","),
                        .integer(nowMs),
                    ])
                return ComputeReplaceOutcome(
                    previousOffers: old.count, offers: seen.count, priceChanges: changes.count, appeared: inserts.count,
                    removed: gone.count, inserted: inserts.count, rewritten: updates.count)
            }
        }
    }

    /// Marks `source`'s stored offers as confirmed at `nowMs`.
    public func confirmComputeOffers(source: String, nowMs: Int64) throws {
        try write {
            try db.run("UPDATE compute_sources SET replaced_at = $1 WHERE key = $2", [.integer(nowMs), .text(source)])
        }
    }

    /// The catalog version stored for `source`, if any.
    public func computeCatalogVersion(source: String) throws -> String? {
        try withConnection {
            try db.firstRow("SELECT version FROM compute_sources WHERE key = $1", [.text(source)]) {
                try $0.optionalText(0)
            } ?? nil
        }
    }

    /// The number of stored compute offers of `source`.
    public func computeOfferCount(source: String) throws -> Int {
        try withConnection {
            Int(
                try db.firstRow("SELECT count(*) FROM compute_offers WHERE source = $1", [.text(source)]) {
                    try $0.int64(0)
                } ?? 0)
        }
    }

    /// The compute offers matching `query`, from one snapshot, merged across currencies as the
    /// SQLite store merges them (``ComputeQuerySQL``, ``ComputeOfferMerge``).
    public func queryComputeOffers(_ query: ComputeQuery) throws -> [ComputeMarketOffer] {
        try read {
            let sources = try db.rows("SELECT key, replaced_at, version, currencies FROM compute_sources") {
                ComputeSourceState(
                    key: try $0.text(0), refreshedAt: try $0.optionalInt64(1), version: try $0.optionalText(2),
                    currencies: OfferColumns.decodeList(try $0.text(3)))
            }
            let converter = try readExchangeRates().map(CurrencyConverter.init(rates:))
            let built = ComputeQuerySQL(query, sources: sources, converter: converter)
            let refreshed = Dictionary(sources.map { ($0.key, $0.refreshedAt ?? 0) }, uniquingKeysWith: { a, _ in a })
            let parts = try built.parts.map { part in
                try db.rows(PostgresSQL.numbered(part.sql), PostgresSQL.values(part.arguments)) {
                    try PostgresRowReaders.computeOffer($0, refreshedAt: refreshed)
                }
            }
            return ComputeOfferMerge.merge(parts, query: query, converter: converter)
        }
    }
}
