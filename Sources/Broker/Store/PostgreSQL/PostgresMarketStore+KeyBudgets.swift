import PostgresClient

/// Client keys' budgets and rates shared by every instance on the database: each step one
/// statement, so a reservation is granted or refused atomically without a transaction of
/// several round trips on the serving path.
///
/// Row locks: a reservation locks the key's `key_spending` row, then the holder's
/// `key_reservations` row; its `UPDATE … WHERE spent + reserved + amount <= budget` is
/// re-checked by PostgreSQL against the latest row once a concurrent reservation commits, so two
/// instances cannot both take the last of a budget.
extension PostgresMarketStore {
    /// See ``MarketStore/reserveKeyBudget(_:amount:budget:holder:nowMs:holdMs:)``.
    public func reserveKeyBudget(
        _ name: String, amount: Int64, budget: Int64, holder: String, nowMs: Int64, holdMs: Int64
    ) throws -> KeyBudgetState {
        let room = budget - max(0, amount)
        return try withConnection {
            func reserve() throws -> KeyBudgetState? {
                try db.firstRow(
                    """
                    WITH granted AS (
                        UPDATE key_spending SET reserved_pico = reserved_pico + $2, updated_at = $4
                        WHERE name = $1 AND spent_pico <= $3 AND reserved_pico <= $3 - spent_pico
                        RETURNING spent_pico, reserved_pico),
                    held AS (
                        INSERT INTO key_reservations (name, holder, reserved_pico, expires_at)
                        SELECT $1::text, $5::text, $2::bigint, $6::bigint FROM granted
                        ON CONFLICT (name, holder) DO UPDATE SET
                            reserved_pico = key_reservations.reserved_pico + excluded.reserved_pico,
                            expires_at = GREATEST(key_reservations.expires_at, excluded.expires_at))
                    SELECT spent_pico, reserved_pico FROM granted
                    """,
                    [
                        .text(name), .integer(amount), .integer(room), .integer(nowMs), .text(holder),
                        .integer(nowMs + holdMs),
                    ]
                ) { KeyBudgetState(granted: true, spent: try $0.int64(0), reserved: try $0.int64(1)) }
            }
            if let state = try reserve() { return state }
            // No row for the key yet, or refused: create the row, free what expired, try once more.
            try db.run(
                """
                INSERT INTO key_spending (name, spent_pico, reserved_pico, updated_at) VALUES ($1, 0, 0, $2)
                ON CONFLICT (name) DO NOTHING
                """, [.text(name), .integer(nowMs)])
            try db.run(
                """
                WITH gone AS (
                    DELETE FROM key_reservations WHERE name = $1 AND expires_at <= $2 RETURNING reserved_pico)
                UPDATE key_spending
                SET reserved_pico = GREATEST(0, reserved_pico - (SELECT coalesce(sum(reserved_pico), 0) FROM gone)::bigint)
                WHERE name = $1 AND EXISTS (SELECT 1 FROM gone)
                """, [.text(name), .integer(nowMs)])
            if let state = try reserve() { return state }
            return try db.firstRow(
                "SELECT spent_pico, reserved_pico FROM key_spending WHERE name = $1", [.text(name)]
            ) { KeyBudgetState(granted: false, spent: try $0.int64(0), reserved: try $0.int64(1)) }
                ?? KeyBudgetState(granted: false, spent: 0, reserved: 0)
        }
    }

    /// See ``MarketStore/settleKeyBudget(_:holder:released:spent:nowMs:)``.
    @discardableResult
    public func settleKeyBudget(_ name: String, holder: String, released: Int64, spent: Int64, nowMs: Int64) throws
        -> KeyBudgetState
    {
        try withConnection {
            try db.chargeKey(name, spent: max(0, spent), holder: holder, released: max(0, released), nowMs: nowMs)
        }
    }

    /// See ``MarketStore/takeKeyRequest(_:perMinute:nowMs:)``.
    public func takeKeyRequest(_ name: String, perMinute: Int64, nowMs: Int64) throws -> KeyRateTake {
        let rpm = min(max(1, perMinute), KeyRateTake.maxPerMinute)
        return try withConnection {
            let taken = try db.firstRow(
                """
                INSERT INTO key_rates (name, tokens, refilled_at) VALUES ($1, $4::bigint - $5::bigint, $2)
                ON CONFLICT (name) DO UPDATE SET
                    tokens = LEAST($4, key_rates.tokens + LEAST(60000, GREATEST(0, $2 - key_rates.refilled_at)) * $3) - $5,
                    refilled_at = GREATEST(key_rates.refilled_at, $2)
                WHERE LEAST($4, key_rates.tokens + LEAST(60000, GREATEST(0, $2 - key_rates.refilled_at)) * $3) >= $5
                RETURNING tokens
                """,
                [
                    .text(name), .integer(nowMs), .integer(rpm), .integer(rpm * KeyRateTake.unitsPerRequest),
                    .integer(KeyRateTake.unitsPerRequest),
                ]
            ) { try $0.int64(0) }
            if taken != nil { return KeyRateTake(granted: true, retryAfterMs: 0) }
            let units =
                try db.firstRow("SELECT tokens, refilled_at FROM key_rates WHERE name = $1", [.text(name)]) {
                    KeyRateTake.units(try $0.int64(0), refilledAtMs: try $0.int64(1), nowMs: nowMs, perMinute: rpm)
                } ?? 0
            return KeyRateTake.refused(units: units, perMinute: rpm)
        }
    }
}
