import ProviderInterface

/// What ``MarketplaceStore/replaceComputeOffers(source:offers:version:nowMs:)`` changed.
public struct ComputeReplaceOutcome: Sendable, Hashable {
    /// Offers stored before.
    public var previousOffers: Int
    /// Offers stored now (an offer id listed twice counts once).
    public var offers: Int
    /// Offer ids whose price changed (a `compute_price_history` row each).
    public var priceChanges: Int
    /// Offer ids that were not there before.
    public var appeared: Int
    /// Offer ids that are gone.
    public var removed: Int
}

extension MarketplaceStore {
    /// Replaces every compute offer of `source` with `offers`, all or nothing, in one
    /// `BEGIN IMMEDIATE` transaction; records the catalog `version` and a price-history row
    /// for each offer id whose price changed. An offer id listed twice is stored once (the
    /// first wins). When anything throws the old offers stay.
    @discardableResult
    public func replaceComputeOffers(source: String, offers: [ComputeOffer], version: String?, nowMs: Int64) throws
        -> ComputeReplaceOutcome
    {
        try db.withPageCache(kibibytes: 65_536) {
            try db.inTransaction(.immediate) {
                var old: [String: (currency: String, price: Int64?)] = [:]
                for row in try db.rows(
                    "SELECT offer_id, currency, price_pico FROM compute_offers WHERE source = ?", [.text(source)],
                    { ($0.text(0), $0.text(1), $0.optionalInt64(2)) })
                {
                    old[row.0] = (row.1, row.2)
                }
                var seen = Set<String>(minimumCapacity: offers.count)
                var kept: [ComputeOffer] = []
                kept.reserveCapacity(offers.count)
                var changes: [(offer: String, currency: String, old: Int64?, new: Int64?)] = []
                var appeared = 0
                var currencies = Set<String>()
                for (index, offer) in offers.enumerated() {
                    try Self.validate(offer, index: index, source: source)
                    guard seen.insert(offer.offerID).inserted else { continue }
                    kept.append(offer)
                    currencies.insert(offer.currency)
                    if let previous = old[offer.offerID] {
                        if previous.price != offer.pricePerHour || previous.currency != offer.currency {
                            changes.append((offer.offerID, offer.currency, previous.price, offer.pricePerHour))
                        }
                    } else {
                        appeared += 1
                    }
                }
                let removed = old.keys.count { !seen.contains($0) }
                try db.run("DELETE FROM compute_offers WHERE source = ?", [.text(source)])
                let rows = kept
                try db.insertPipelined(count: rows.count, columns: ComputeColumns.names.count, sql: ComputeColumns.insertSQL(rows:)) {
                    range, encoded in
                    for index in range { ComputeColumns.encode(rows[index], source: source, into: &encoded) }
                }
                for change in changes {
                    try db.run(
                        "INSERT INTO compute_price_history (source, offer_id, at, currency, old_price_pico, new_price_pico) VALUES (?, ?, ?, ?, ?, ?)",
                        [.text(source), .text(change.offer), .integer(nowMs), .text(change.currency), .integer(change.old), .integer(change.new)])
                }
                try db.run(
                    """
                    INSERT INTO compute_sources (key, offers, version, currencies, replaced_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET offers = excluded.offers, version = excluded.version,
                        currencies = excluded.currencies, replaced_at = excluded.replaced_at
                    """,
                    [.text(source), .int(kept.count), .text(version), .text("," + currencies.sorted().joined(separator: ",") + ","),
                     .integer(nowMs)])
                return ComputeReplaceOutcome(
                    previousOffers: old.count, offers: kept.count, priceChanges: changes.count, appeared: appeared, removed: removed)
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
        try db.firstRow("SELECT version FROM compute_sources WHERE key = ?", [.text(source)]) { $0.optionalText(0) } ?? nil
    }

    /// The number of stored compute offers of `source`.
    public func computeOfferCount(source: String) throws -> Int {
        Int(try db.firstRow("SELECT count(*) FROM compute_offers WHERE source = ?", [.text(source)]) { $0.int64(0) } ?? 0)
    }

    /// The recorded price changes of one compute offer, oldest first: (at, currency, old, new).
    public func computePriceHistory(source: String, offerID: String) throws -> [(at: Int64, currency: String, old: Int64?, new: Int64?)] {
        try db.rows(
            "SELECT at, currency, old_price_pico, new_price_pico FROM compute_price_history WHERE source = ? AND offer_id = ? ORDER BY at, id",
            [.text(source), .text(offerID)]) { ($0.int64(0), $0.text(1), $0.optionalInt64(2), $0.optionalInt64(3)) }
    }

    /// The compute offers matching `query`, filtered and ordered in SQL, from one snapshot.
    public func queryComputeOffers(_ query: ComputeQuery) throws -> [ComputeMarketOffer] {
        try db.inTransaction(.deferred) {
            let sources = try computeSources()
            let rates = try readExchangeRates()
            let built = ComputeQuerySQL(query, sources: sources, converter: rates.map(CurrencyConverter.init(rates:)))
            let refreshed = Dictionary(sources.map { ($0.key, $0.refreshedAt ?? 0) }, uniquingKeysWith: { a, _ in a })
            return try db.rows(built.sql, built.arguments) { try ComputeColumns.read($0, refreshedAt: refreshed) }
        }
    }

    /// SQLite's plan for `query`, for benchmarks and tests that check an index is used.
    public func computeQueryPlan(_ query: ComputeQuery) throws -> [String] {
        let built = ComputeQuerySQL(
            query, sources: try computeSources(), converter: try readExchangeRates().map(CurrencyConverter.init(rates:)))
        return try db.rows("EXPLAIN QUERY PLAN " + built.sql, built.arguments) { $0.text(3) }
    }

    func computeSources() throws -> [ComputeSourceState] {
        try db.rows("SELECT key, replaced_at, version, currencies FROM compute_sources") {
            ComputeSourceState(
                key: $0.text(0), refreshedAt: $0.optionalInt64(1), version: $0.optionalText(2),
                currencies: OfferColumns.decodeList($0.text(3)))
        }
    }

    private static func validate(_ offer: ComputeOffer, index: Int, source: String) throws {
        guard !offer.offerID.isEmpty, !offer.provider.isEmpty else {
            throw StoreError(.invalidOffer, "compute offers[\(index)] of \"\(source)\" has an empty offer id or provider")
        }
        guard offer.gpuCount > 0 else {
            throw StoreError(.invalidOffer, "compute offers[\(index)] (\(offer.offerID)) of \"\(source)\" has no GPU")
        }
        if let price = offer.pricePerHour, price < 0 {
            throw StoreError(.invalidOffer, "compute offers[\(index)] (\(offer.offerID)) of \"\(source)\" has a negative price; use unknown")
        }
        let currency = offer.currency.utf8
        guard currency.count == 3, currency.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw StoreError(.invalidOffer, "compute offers[\(index)] (\(offer.offerID)) of \"\(source)\" has currency \"\(offer.currency)\", not an ISO 4217 code")
        }
    }
}
