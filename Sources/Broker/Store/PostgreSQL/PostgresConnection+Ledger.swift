import PostgresClient
import ProviderInterface

/// The ledger's SQL on a PostgreSQL connection: the store's and the ledger writer's own
/// connection (``PostgresLedgerConnection``) share it.
extension PostgresConnection {
    /// Inserts ledger rows with multi-row INSERTs (``UsageColumns/conflictClause``: a recorded
    /// attempt is skipped, a `sent` placeholder replaced), in the caller's transaction.
    ///
    /// One statement may not touch a row twice in PostgreSQL, while SQLite applies a multi-row
    /// insert row by row: a batch holding an attempt's `sent` placeholder and its outcome (a
    /// group commit of a fast request) is written in rounds, each with at most one row per
    /// attempt, in order, which is what SQLite's row-by-row application does. New rows all
    /// come in the first round, in batch order, so ids follow it as rowids do.
    func insertUsageRows(_ records: [UsageRecord]) throws -> Int {
        guard !records.isEmpty else { return 0 }
        struct Attempt: Hashable {
            var request: String
            var attempt: Int
        }
        var seen: [Attempt: Int] = [:]
        var rounds: [[UsageRecord]] = []
        for record in records {
            let round = seen[Attempt(request: record.requestID, attempt: record.attempt), default: 0]
            seen[Attempt(request: record.requestID, attempt: record.attempt)] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(record)
        }
        var written = 0
        for round in rounds {
            var encoded = EncodedRows(columns: UsageColumns.names.count, rowCapacity: round.count)
            for record in round { UsageColumns.encode(record, into: &encoded) }
            written += try insertRows(
                into: "usage", columns: UsageColumns.names, encoded.postgresRows(), suffix: UsageColumns.conflictClause)
        }
        return written
    }

    /// Adds `amounts` (each positive) in the caller's transaction; a sum past 2^63 is an error.
    func addKeySpendingRows(_ amounts: [String: Int64], nowMs: Int64) throws {
        for (name, pico) in amounts.sorted(by: { $0.key < $1.key }) where pico > 0 {
            try chargeKey(name, spent: pico, holder: nil, released: 0, nowMs: nowMs)
        }
    }

    /// Adds `spent` to key `name`'s spending and, with a `holder`, releases `released` of what
    /// it holds reserved of the key (its row goes once nothing is left), in one statement. Less than `released` is held only when
    /// the holder's reservations expired and another instance freed them: nothing is released
    /// then. A sum past 2^63 pico-USD is ``StoreError/Code/overflow``.
    @discardableResult
    func chargeKey(_ name: String, spent: Int64, holder: String?, released: Int64, nowMs: Int64) throws
        -> KeyBudgetState
    {
        guard
            let state = try firstRow(
                """
                WITH emptied AS (
                    DELETE FROM key_reservations
                    WHERE name = $1 AND holder = $5 AND reserved_pico = $3 AND $3 > 0
                    RETURNING $3::bigint AS pico),
                lowered AS (
                    UPDATE key_reservations SET reserved_pico = reserved_pico - $3
                    WHERE name = $1 AND holder = $5 AND reserved_pico > $3 AND $3 > 0
                    RETURNING $3::bigint AS pico),
                freed AS (SELECT pico FROM emptied UNION ALL SELECT pico FROM lowered)
                INSERT INTO key_spending (name, spent_pico, reserved_pico, updated_at) VALUES ($1, $2, 0, $4)
                ON CONFLICT (name) DO UPDATE SET spent_pico = key_spending.spent_pico + $2,
                    reserved_pico = GREATEST(0, key_spending.reserved_pico - coalesce((SELECT sum(pico) FROM freed), 0)::bigint),
                    updated_at = $4
                WHERE key_spending.spent_pico <= 9223372036854775807 - $2
                RETURNING spent_pico, reserved_pico
                """, [.text(name), .integer(spent), .integer(released), .integer(nowMs), .text(holder ?? "")],
                { KeyBudgetState(granted: true, spent: try $0.int64(0), reserved: try $0.int64(1)) })
        else {
            throw StoreError(.overflow, "the spending of API key '\(name)' would pass 2^63 pico-USD")
        }
        return state
    }

    /// What each client key has spent so far, in pico-USD, by key name.
    func keySpending() throws -> [String: Int64] {
        let rows = try rows("SELECT name, spent_pico FROM key_spending") { (try $0.text(0), try $0.int64(1)) }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }
}
