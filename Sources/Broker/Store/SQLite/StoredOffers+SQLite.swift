extension StoredOffers {
    static let selectSQL = """
        SELECT id, served_by, model, task, row_hash, billing, input_pico, output_pico, unit_pico, appeared_at, currency
        FROM offers WHERE provider = ?
        """

    /// The stored offers of `provider`, of which there are `expected` (the providers
    /// table's count; the tables grow past it if it is wrong). Read through column bytes in
    /// place, without making a string per row, so loading 100,000 rows costs little next to
    /// writing them.
    init(provider: String, expected: Int, db: SQLiteConnection) throws {
        let statement = try db.cachedStatement(Self.selectSQL)
        try statement.bind(provider, at: 1)
        defer { statement.reset() }
        var rows: [Row] = []
        rows.reserveCapacity(expected)
        var identities: [UInt64] = []
        identities.reserveCapacity(expected)
        while try statement.step() {
            var f = OfferFingerprint()
            statement.withTextBytes(1) { f.add(bytes: $0) }
            statement.withTextBytes(2) { f.add(bytes: $0) }
            let endpoint = f.value
            statement.withTextBytes(3) { f.add(bytes: $0) }
            rows.append(
                Row(
                    id: statement.int64(0), content: statement.optionalInt64(4), endpoint: endpoint,
                    price: StoredPrice(
                        billing: statement.text(5), input: statement.optionalInt64(6),
                        output: statement.optionalInt64(7), unit: statement.optionalInt64(8),
                        currency: statement.text(10)),
                    appearedAt: statement.optionalInt64(9)))
            identities.append(f.value)
        }
        self.init(rows: rows, identities: identities)
    }
}
