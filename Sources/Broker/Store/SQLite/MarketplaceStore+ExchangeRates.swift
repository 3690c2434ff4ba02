import ProviderInterface

extension MarketplaceStore {
    /// Stores a day's reference rates (units per euro), replacing the previous day's, unless
    /// the stored rates are for a later day.
    public func storeExchangeRates(_ rates: ExchangeRates, nowMs: Int64) throws {
        try db.inTransaction(.immediate) {
            if let stored = try db.firstRow(
                "SELECT max(date) FROM exchange_rates WHERE base = 'EUR'", [], { $0.optionalText(0) }),
                let date = stored, date > rates.date
            {
                return
            }
            try db.run("DELETE FROM exchange_rates WHERE base = 'EUR'")
            for (currency, rate) in rates.perEuro.sorted(by: { $0.key < $1.key }) {
                try db.run(
                    "INSERT INTO exchange_rates (base, currency, rate, date, source, fetched_at) VALUES ('EUR', ?, ?, ?, ?, ?)",
                    [.text(currency), .text(rate), .text(rates.date), .text(rates.source), .integer(nowMs)])
            }
        }
    }

    /// The stored reference rates (units per euro) with their day, or `nil` when none are stored.
    public func exchangeRates() throws -> ExchangeRates? {
        try readExchangeRates()
    }

    func readExchangeRates() throws -> ExchangeRates? {
        let rows = try db.rows("SELECT currency, rate, date, source FROM exchange_rates WHERE base = 'EUR'") {
            ($0.text(0), $0.text(1), $0.text(2), $0.text(3))
        }
        guard let first = rows.first else { return nil }
        return ExchangeRates(
            date: first.2, perEuro: Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a }),
            source: first.3)
    }
}
