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

    /// Reserves part of a key's budget for `holder`, atomically across processes on the file
    /// (one `BEGIN IMMEDIATE` transaction); see ``MarketStore/reserveKeyBudget(_:amount:budget:holder:nowMs:holdMs:)``.
    public func reserveKeyBudget(
        _ name: String, amount: Int64, budget: Int64, holder: String, nowMs: Int64, holdMs: Int64
    ) throws -> KeyBudgetState {
        let room = budget - max(0, amount)
        return try db.inTransaction(.immediate) {
            func reserve() throws -> KeyBudgetState? {
                guard
                    let state = try db.firstRow(
                        """
                        UPDATE key_spending SET reserved_pico = reserved_pico + ?2, updated_at = ?4
                        WHERE name = ?1 AND spent_pico <= ?3 AND reserved_pico <= ?3 - spent_pico
                        RETURNING spent_pico, reserved_pico
                        """, [.text(name), .integer(amount), .integer(room), .integer(nowMs)],
                        { KeyBudgetState(granted: true, spent: $0.int64(0), reserved: $0.int64(1)) })
                else { return nil }
                try db.run(
                    """
                    INSERT INTO key_reservations (name, holder, reserved_pico, expires_at) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT(name, holder) DO UPDATE SET reserved_pico = reserved_pico + excluded.reserved_pico,
                        expires_at = max(expires_at, excluded.expires_at)
                    """, [.text(name), .text(holder), .integer(amount), .integer(nowMs + holdMs)])
                return state
            }
            if let state = try reserve() { return state }
            // No row for the key yet, or refused: create the row, free what expired, try once more.
            try db.run(
                """
                INSERT INTO key_spending (name, spent_pico, reserved_pico, updated_at) VALUES (?1, 0, 0, ?2)
                ON CONFLICT(name) DO NOTHING
                """, [.text(name), .integer(nowMs)])
            let expired =
                try db.firstRow(
                    "SELECT coalesce(sum(reserved_pico), 0) FROM key_reservations WHERE name = ?1 AND expires_at <= ?2",
                    [.text(name), .integer(nowMs)]
                ) { $0.int64(0) } ?? 0
            try db.run(
                "DELETE FROM key_reservations WHERE name = ?1 AND expires_at <= ?2", [.text(name), .integer(nowMs)])
            try db.run(
                "UPDATE key_spending SET reserved_pico = max(0, reserved_pico - ?2) WHERE name = ?1",
                [.text(name), .integer(expired)])
            if let state = try reserve() { return state }
            return try db.keyBudgetState(name, granted: false)
        }
    }

    /// Releases `holder`'s reservation and charges the cost in one transaction; see
    /// ``MarketStore/settleKeyBudget(_:holder:released:spent:nowMs:)``.
    @discardableResult
    public func settleKeyBudget(_ name: String, holder: String, released: Int64, spent: Int64, nowMs: Int64) throws
        -> KeyBudgetState
    {
        try db.inTransaction(.immediate) {
            var freed: Int64 = 0
            if released > 0 {
                // Less than released is held only when the holder's reservations expired and were
                // freed by another instance meanwhile: nothing is left of them to release.
                try db.run(
                    """
                    UPDATE key_reservations SET reserved_pico = reserved_pico - ?3
                    WHERE name = ?1 AND holder = ?2 AND reserved_pico >= ?3
                    """, [.text(name), .text(holder), .integer(released)])
                freed = db.changes == 1 ? released : 0
                try db.run(
                    "DELETE FROM key_reservations WHERE name = ?1 AND holder = ?2 AND reserved_pico = 0",
                    [.text(name), .text(holder)])
            }
            return try db.chargeKey(name, spent: max(0, spent), freed: freed, nowMs: nowMs)
        }
    }

    /// Takes one request from a key's bucket, atomically across processes on the file; see
    /// ``MarketStore/takeKeyRequest(_:perMinute:nowMs:)``.
    public func takeKeyRequest(_ name: String, perMinute: Int64, nowMs: Int64) throws -> KeyRateTake {
        let rpm = min(max(1, perMinute), KeyRateTake.maxPerMinute)
        return try db.inTransaction(.immediate) {
            let taken = try db.firstRow(
                """
                INSERT INTO key_rates (name, tokens, refilled_at) VALUES (?1, ?4 - ?5, ?2)
                ON CONFLICT(name) DO UPDATE SET
                    tokens = min(?4, tokens + min(60000, max(0, ?2 - refilled_at)) * ?3) - ?5,
                    refilled_at = max(refilled_at, ?2)
                WHERE min(?4, tokens + min(60000, max(0, ?2 - refilled_at)) * ?3) >= ?5
                RETURNING tokens
                """,
                [
                    .text(name), .integer(nowMs), .integer(rpm), .integer(rpm * KeyRateTake.unitsPerRequest),
                    .integer(KeyRateTake.unitsPerRequest),
                ]
            ) { $0.int64(0) }
            if taken != nil { return KeyRateTake(granted: true, retryAfterMs: 0) }
            let units =
                try db.firstRow("SELECT tokens, refilled_at FROM key_rates WHERE name = ?1", [.text(name)]) {
                    KeyRateTake.units($0.int64(0), refilledAtMs: $0.int64(1), nowMs: nowMs, perMinute: rpm)
                } ?? 0
            return KeyRateTake.refused(units: units, perMinute: rpm)
        }
    }
}

extension SQLiteConnection {
    /// What each client key has spent so far, in pico-USD, by key name.
    public func keySpending() throws -> [String: Int64] {
        let rows = try rows("SELECT name, spent_pico FROM key_spending") { ($0.text(0), $0.int64(1)) }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// Adds `amounts` (each positive) inside the caller's transaction.
    func addKeySpendingRows(_ amounts: [String: Int64], nowMs: Int64) throws {
        for (name, pico) in amounts.sorted(by: { $0.key < $1.key }) where pico > 0 {
            try chargeKey(name, spent: pico, freed: 0, nowMs: nowMs)
        }
    }

    /// Adds `spent` to key `name`'s spending and takes `freed` off what is reserved of it, in
    /// the caller's transaction. Sums stay exact integers: one that would pass 64 bits, which
    /// SQLite would turn into a float, is an error instead.
    @discardableResult
    func chargeKey(_ name: String, spent: Int64, freed: Int64, nowMs: Int64) throws -> KeyBudgetState {
        guard
            let state = try firstRow(
                """
                INSERT INTO key_spending (name, spent_pico, reserved_pico, updated_at) VALUES (?1, ?2, 0, ?4)
                ON CONFLICT(name) DO UPDATE SET spent_pico = spent_pico + ?2,
                    reserved_pico = max(0, reserved_pico - ?3), updated_at = ?4
                WHERE spent_pico <= 9223372036854775807 - ?2
                RETURNING spent_pico, reserved_pico
                """, [.text(name), .integer(spent), .integer(freed), .integer(nowMs)],
                { KeyBudgetState(granted: true, spent: $0.int64(0), reserved: $0.int64(1)) })
        else {
            throw StoreError(.overflow, "the spending of API key '\(name)' would pass 2^63 pico-USD")
        }
        return state
    }

    /// Key `name`'s spending and reservations as stored (zero when it has no row).
    func keyBudgetState(_ name: String, granted: Bool) throws -> KeyBudgetState {
        try firstRow("SELECT spent_pico, reserved_pico FROM key_spending WHERE name = ?1", [.text(name)]) {
            KeyBudgetState(granted: granted, spent: $0.int64(0), reserved: $0.int64(1))
        } ?? KeyBudgetState(granted: granted, spent: 0, reserved: 0)
    }
}
