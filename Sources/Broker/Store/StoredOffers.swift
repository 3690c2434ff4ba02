/// One provider's stored offers as a replace finds them: each row's id, content digest
/// and price, found by identity or by serving endpoint. Each backend reads them its own way
/// (SQLite through column bytes in place); ``OfferReplaceDiff`` compares them with a catalog.
struct StoredOffers {
    struct Row {
        var id: Int64
        /// The digest written with the row; `nil` for rows stored before digests existed.
        var content: Int64?
        /// The row's (served-by, model) digest.
        var endpoint: UInt64
        var price: StoredPrice
        /// When the row's (served-by, model) appeared, while that appearance is not yet
        /// written to `price_history` (see ``MarketplaceStore/priceHistory(model:provider:)``).
        var appearedAt: Int64?
    }

    private(set) var rows: [Row]
    /// Identity digest → position in ``rows`` of the row with that identity.
    private(set) var byIdentity: DigestTable
    /// Endpoint digest → position of the first row of that (served-by, model).
    private(set) var byEndpoint: DigestTable

    var count: Int { rows.count }

    /// `rows` as stored, and at the same positions each row's identity digest (its
    /// (served-by, model) then task, through ``OfferFingerprint/addIdentity(servedBy:model:task:)``).
    init(rows: [Row], identities: [UInt64]) {
        self.rows = rows
        byIdentity = DigestTable(capacity: rows.count)
        byEndpoint = DigestTable(capacity: rows.count)
        for position in rows.indices {
            // Two rows of one identity cannot be stored; if digests ever collide, the
            // second row stays unmatched and is deleted, and its offer inserted afresh.
            _ = byIdentity.insertIfAbsent(identities[position], position)
            // A model listed for several tasks has one price per task; the first one
            // stands for the endpoint's old price.
            _ = byEndpoint.insertIfAbsent(rows[position].endpoint, position)
        }
    }

    /// The stored price of the (served-by, model) with digest `endpoint`.
    func price(endpoint: UInt64) -> StoredPrice? {
        byEndpoint[endpoint].map { rows[$0].price }
    }

    /// The pending appearance time of the (served-by, model) with digest `endpoint`.
    func appearedAt(endpoint: UInt64) -> Int64? {
        byEndpoint[endpoint].flatMap { rows[$0].appearedAt }
    }

    /// The first row of each stored (served-by, model) pair: the one that stands for it.
    var endpointRows: some Sequence<Row> {
        rows.indices.lazy.filter { byEndpoint[rows[$0].endpoint] == $0 }.map { rows[$0] }
    }
}

/// The digests of keys seen so far in a catalog, exact despite collisions: a digest met
/// again is confirmed by comparing the keys themselves before it counts as a repeat.
struct DigestSet {
    private var first: DigestTable
    private var more: [UInt64: [Int]] = [:]

    init(capacity: Int) { first = DigestTable(capacity: capacity) }

    /// Records `index` under `digest` and returns true, unless an element already there
    /// has an equal key (`same(element)`), in which case it returns false.
    mutating func insert(_ digest: UInt64, index: Int, same: (Int) -> Bool) -> Bool {
        insertOrFind(digest, index: index, same: same) == nil
    }

    /// Records `index` under `digest` and returns nil, unless an element already there
    /// has an equal key (`same(element)`), in which case it returns that element.
    mutating func insertOrFind(_ digest: UInt64, index: Int, same: (Int) -> Bool) -> Int? {
        guard let existing = first.insertIfAbsent(digest, index) else { return nil }
        if same(existing) { return existing }
        if let others = more[digest], let other = others.first(where: same) { return other }
        more[digest, default: []].append(index)
        return nil
    }

    func contains(_ digest: UInt64) -> Bool { first[digest] != nil }
}
