import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    private static let refreshColumns = "provider, status, models, offers, duration_ms, error, started_at"

    /// Records one provider's refresh, whatever its outcome.
    public func recordRefresh(_ run: RefreshRun) throws {
        try write {
            try db.run(
                "INSERT INTO refresh_runs (\(Self.refreshColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                [
                    .text(run.provider), .text(run.status.rawValue), .int(run.models), .int(run.offers),
                    .integer(run.durationMs), .text(run.error), .integer(run.startedAt),
                ])
        }
    }

    /// The latest refresh of every provider ever refreshed, ordered by provider key.
    public func lastRefreshes() throws -> [RefreshRun] {
        try read {
            try db.rows(
                """
                SELECT DISTINCT ON (provider) \(Self.refreshColumns) FROM refresh_runs
                ORDER BY provider, started_at DESC, id DESC
                """, [], Self.readRefresh)
        }
    }

    /// The latest successful (`ok`) refresh of `provider`, by any instance, or `nil`.
    public func lastSuccessfulRefresh(provider: String) throws -> RefreshRun? {
        try withConnection {
            try db.firstRow(
                """
                SELECT \(Self.refreshColumns) FROM refresh_runs WHERE provider = $1 AND status = 'ok'
                ORDER BY started_at DESC, id DESC LIMIT 1
                """, [.text(provider)], Self.readRefresh)
        }
    }

    private static func readRefresh(_ s: PostgresRow) throws -> RefreshRun {
        let statusText = try s.text(1)
        guard let status = RefreshStatus(rawValue: statusText) else {
            throw StoreError(
                .malformedRow, "refresh_runs.status holds \"\(statusText)\", which this version does not know")
        }
        return RefreshRun(
            provider: try s.text(0), status: status, models: try s.int(2), offers: try s.int(3),
            durationMs: try s.int64(4), error: try s.optionalText(5), startedAt: try s.int64(6))
    }

    /// Takes the named lease for `owner` until `nowMs + ttlMs` when it is free, expired or
    /// already `owner`'s; one statement, atomic across instances.
    public func acquireLease(_ name: String, owner: String, nowMs: Int64, ttlMs: Int64) throws -> Bool {
        try write {
            try db.run(
                """
                INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, $3)
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE leases.owner = excluded.owner OR leases.expires_at <= $4
                """, [.text(name), .text(owner), .integer(nowMs + ttlMs), .integer(nowMs)]) > 0
        }
    }

    /// Gives the named lease back, if `owner` holds it.
    public func releaseLease(_ name: String, owner: String) throws {
        try write { try db.run("DELETE FROM leases WHERE name = $1 AND owner = $2", [.text(name), .text(owner)]) }
    }

    /// Who holds the named lease, if anyone.
    public func leaseOwner(_ name: String) throws -> String? {
        try withConnection {
            try db.firstRow("SELECT owner FROM leases WHERE name = $1", [.text(name)]) { try $0.text(0) }
        }
    }

    /// Removes the named lease if `holder` still holds it.
    public func breakLease(_ name: String, heldBy holder: String) throws {
        try write { try db.run("DELETE FROM leases WHERE name = $1 AND owner = $2", [.text(name), .text(holder)]) }
    }

    /// Stores a day's reference rates, unless the stored ones are for a later day.
    public func storeExchangeRates(_ rates: ExchangeRates, nowMs: Int64) throws {
        try write(lock: "exchange_rates") {
            if let stored = try db.firstRow(
                "SELECT max(date) FROM exchange_rates WHERE base = 'EUR'", [], { try $0.optionalText(0) }),
                let date = stored, date > rates.date
            {
                return
            }
            try db.run("DELETE FROM exchange_rates WHERE base = 'EUR'")
            for (currency, rate) in rates.perEuro.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    "INSERT INTO exchange_rates (base, currency, rate, date, source, fetched_at) VALUES ('EUR', $1, $2, $3, $4, $5)",
                    [.text(currency), .text(rate), .text(rates.date), .text(rates.source), .integer(nowMs)])
            }
        }
    }

    /// The stored reference rates (units per euro) with their day, or `nil` when none are stored.
    public func exchangeRates() throws -> ExchangeRates? {
        try read { try readExchangeRates() }
    }

    /// The stored rates, read in the caller's transaction.
    func readExchangeRates() throws -> ExchangeRates? {
        let rows = try db.rows("SELECT currency, rate, date, source FROM exchange_rates WHERE base = 'EUR'") {
            (try $0.text(0), try $0.text(1), try $0.text(2), try $0.text(3))
        }
        guard let first = rows.first else { return nil }
        return ExchangeRates(
            date: first.2, perEuro: Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a }),
            source: first.3)
    }
}
