extension MarketplaceStore {
    /// What each client key has spent so far, in pico-USD, by key name.
    public func keySpending() throws -> [String: Int64] {
        try db.keySpending()
    }

    /// Adds `amounts` (pico-USD by key name) to what those keys have spent, in one transaction.
    public func addKeySpending(_ amounts: [String: Int64], nowMs: Int64) throws {
        try db.inTransaction(.immediate) { try addKeySpendingRows(amounts, nowMs: nowMs) }
    }

    /// Adds `amounts` (each positive) inside the caller's transaction.
    func addKeySpendingRows(_ amounts: [String: Int64], nowMs: Int64) throws {
        try db.addKeySpendingRows(amounts, nowMs: nowMs)
    }
}

extension SQLiteConnection {
    /// What each client key has spent so far, in pico-USD, by key name.
    public func keySpending() throws -> [String: Int64] {
        let rows = try rows("SELECT name, spent_pico FROM key_spending") { ($0.text(0), $0.int64(1)) }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// Adds `amounts` (each positive) inside the caller's transaction. Sums stay exact
    /// integers: one that would pass 64 bits, which SQLite would turn into a float, is an
    /// error instead.
    func addKeySpendingRows(_ amounts: [String: Int64], nowMs: Int64) throws {
        for (name, pico) in amounts.sorted(by: { $0.key < $1.key }) where pico > 0 {
            try run(
                """
                INSERT INTO key_spending (name, spent_pico, updated_at) VALUES (?1, ?2, ?3)
                ON CONFLICT(name) DO UPDATE SET spent_pico = spent_pico + ?2, updated_at = ?3
                WHERE spent_pico <= 9223372036854775807 - ?2
                """,
                [.text(name), .integer(pico), .integer(nowMs)])
            guard changes == 1 else {
                throw StoreError(.overflow, "the spending of API key '\(name)' would pass 2^63 pico-USD")
            }
        }
    }
}
