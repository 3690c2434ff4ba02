/// A day's reference exchange rates, quoted as the European Central Bank quotes them:
/// `1 EUR = rate` units of each currency, kept as the published decimal text.
public struct ExchangeRates: Sendable, Hashable {
    /// The day the rates are for (`2026-07-09`, the ECB's `time`).
    public var date: String
    /// Units of each currency per euro, as decimal text (`USD` → `"1.1435"`).
    public var perEuro: [String: String]
    /// Who published them (`ecb`), for the `price_basis` label.
    public var source: String

    /// Rates for a day.
    public init(date: String, perEuro: [String: String], source: String = "ecb") {
        self.date = date
        self.perEuro = perEuro
        self.source = source
    }

    /// `ecb:2026-07-09`: the label of a price converted with these rates.
    public var basis: String { "\(source):\(date)" }
}

/// Converts integer money between currencies with stored reference rates, exactly: the
/// product and quotient are computed in 128 bits from the rates' decimal text and rounded
/// half up to a whole pico-unit. One converter for compute offers and model offers alike.
public struct CurrencyConverter: Sendable, Hashable {
    /// The rates used.
    public var rates: ExchangeRates

    /// A converter over `rates`.
    public init(rates: ExchangeRates) { self.rates = rates }

    /// `rate` as `numerator / 10^scale` (`"1.1435"` → 11435, 4); EUR itself is 1.
    func rational(_ currency: String) -> (numerator: Int128, denominator: Int128)? {
        if currency == "EUR" { return (1, 1) }
        guard let text = rates.perEuro[currency] else { return nil }
        for scale in 0...12 {
            if let scaled = DecimalText.scaled(text, by: scale), scaled.exact, scaled.value > 0 {
                var denominator: Int128 = 1
                for _ in 0..<scale { denominator *= 10 }
                return (Int128(scaled.value), denominator)
            }
        }
        return nil
    }

    /// `amount` pico-`from` in pico-`to`, rounded half up; `nil` when either currency has no
    /// rate or the result does not fit in 64 bits.
    public func convert(_ amount: Int64, from: String, to: String) -> Int64? {
        if from == to { return amount }
        guard let source = rational(from), let target = rational(to) else { return nil }
        // amount / (from per EUR) × (to per EUR)
        let numerator = Int128(amount) * target.numerator * source.denominator
        let denominator = source.numerator * target.denominator
        let quotient = Self.divideHalfUp(numerator, denominator)
        return Int64(exactly: quotient)
    }

    /// The factor that turns pico-`from` into pico-`to`, times 10^6, rounded half up: an
    /// integer sort key (`price / 10^6 × factor`) that orders mixed currencies.
    public func sortFactor(from: String, to: String) -> Int64? {
        if from == to { return 1_000_000 }
        guard let source = rational(from), let target = rational(to) else { return nil }
        let quotient = Self.divideHalfUp(
            1_000_000 * target.numerator * source.denominator, source.numerator * target.denominator)
        return Int64(exactly: quotient)
    }

    /// `n / d` rounded half away from zero (d > 0).
    static func divideHalfUp(_ n: Int128, _ d: Int128) -> Int128 {
        n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d)
    }
}
