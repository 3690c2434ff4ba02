import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    /// Replaces `source`'s compute offers with `offers` and its catalog `version`, all or nothing,
    /// by the rules of ``MarketplaceStore/replaceComputeOffers(source:offers:version:nowMs:)``:
    /// matched by offer id and digest, only what differs written (new rows in one `COPY`), a
    /// price-history row per changed price, the first listing of an offer id winning.
    @discardableResult
    public func replaceComputeOffers(source: String, offers: [ComputeOffer], version: String?, nowMs: Int64) throws
        -> ComputeReplaceOutcome
    {
        try offers.withUnsafeBufferPointer { buffer in
            try write(lock: "compute:" + source) {
                var old: [String: ComputeOfferDiff.StoredRow] = [:]
                for row in try db.rows(
                    "SELECT offer_id, id, row_hash, currency, price_pico FROM compute_offers WHERE source = $1 ORDER BY id",
                    [.text(source)],
                    { (try $0.text(0), try $0.int64(1), try $0.int64(2), try $0.text(3), try $0.optionalInt64(4)) })
                {
                    old[row.0] = ComputeOfferDiff.StoredRow(id: row.1, hash: row.2, currency: row.3, price: row.4)
                }
                let diff = try ComputeOfferDiff(source: source, old: old, offers: buffer)
                if !diff.deletes.isEmpty {
                    try db.run(
                        "DELETE FROM compute_offers WHERE id = ANY($1::bigint[])", [PostgresSQL.idArray(diff.deletes)])
                }
                if let base = buffer.baseAddress { try write(diff, source: source, base: base) }
                if !diff.changes.isEmpty {
                    let rows: [[PostgresValue]] = diff.changes.map {
                        [
                            .text(source), .text($0.offer), .integer(nowMs), .text($0.currency), .integer($0.old),
                            .integer($0.new),
                        ]
                    }
                    try db.copyRows(into: "compute_price_history", columns: ComputeColumns.historyNames, rows)
                }
                try db.run(
                    PostgresSQL.numbered(ComputeOfferDiff.recordSourceSQL),
                    [.text(source), .int(diff.stored), .text(version), .text(diff.currencyList), .integer(nowMs)])
                return diff.outcome
            }
        }
    }

    /// The diff's rewrites (whole rows, price-only changes too) and inserts (with `COPY`).
    private func write(_ diff: ComputeOfferDiff, source: String, base: UnsafePointer<ComputeOffer>) throws {
        let updates = diff.updates + diff.priceUpdates
        if !updates.isEmpty {
            var encoded = EncodedRows(columns: ComputeColumns.writtenNames.count + 1, rowCapacity: updates.count)
            for (index, id) in updates {
                ComputeColumns.encode(
                    base + index, source: source, digest: diff.digests[index], tags: diff.tags[index], into: &encoded)
                encoded.integer(id)
            }
            try updateRows("compute_offers", columns: ComputeColumns.writtenNames, encoded.postgresRows())
        }
        if !diff.inserts.isEmpty {
            var encoded = EncodedRows(columns: ComputeColumns.writtenNames.count, rowCapacity: diff.inserts.count)
            for index in diff.inserts {
                ComputeColumns.encode(
                    base + index, source: source, digest: diff.digests[index], tags: diff.tags[index], into: &encoded)
            }
            try db.copyRows(into: "compute_offers", columns: ComputeColumns.writtenNames, encoded.postgresRows())
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
