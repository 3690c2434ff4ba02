/// One published price: unknown, or an amount (zero means the provider says it is free).
public enum PriceValue: Sendable, Hashable {
    /// No price is published, or the provider sent a sentinel (OpenRouter `"-1"`).
    case unknown
    /// A published amount in pico-USD per unit; `.zero` is free.
    case amount(PicoUSD)

    /// The amount when known.
    public var amount: PicoUSD? {
        if case .amount(let a) = self { return a }
        return nil
    }

    /// Parses decimal text in `unit`; negative values are sentinels and become `.unknown`,
    /// text that is not a number is `nil` (a malformed field, for the caller to report).
    public static func parse(_ text: String, unit: PriceUnit) -> PriceValue? {
        guard let amount = PicoUSD(decimal: text, unit: unit) else { return nil }
        return amount.value < 0 ? .unknown : .amount(amount)
    }
}

/// How an offer is billed. Non-token billing keeps its own unit.
public enum Billing: String, Sendable, Hashable, Codable, CaseIterable {
    /// Per input and output token.
    case token
    /// Per second of compute (hf-inference classic tasks).
    case computeTime = "compute-time"
    /// Per generated image.
    case image
    /// Per request.
    case request
}

/// The state of an offer's price, as the market reports it (`price_state`).
public enum PriceState: String, Sendable, Hashable, Codable {
    case priced, free, unknown
}

/// What an offer costs: per-token input and output prices, or a per-unit price for
/// non-token billing.
public struct OfferPrice: Sendable, Hashable {
    /// How the offer is billed.
    public var billing: Billing
    /// Price per input token (token billing).
    public var input: PriceValue
    /// Price per output token (token billing).
    public var output: PriceValue
    /// Price per unit for non-token billing (per second, image or request).
    public var unit: PriceValue
    /// The ISO 4217 currency the amounts are in, as the provider publishes them (`USD`,
    /// `EUR`): every amount is in pico-units of it.
    public var currency: String

    /// A price; every field defaults to unknown, the currency to USD.
    public init(
        billing: Billing = .token, input: PriceValue = .unknown, output: PriceValue = .unknown,
        unit: PriceValue = .unknown, currency: String = "USD"
    ) {
        self.billing = billing
        self.input = input
        self.output = output
        self.unit = unit
        self.currency = currency
    }

    /// Whether the amounts are US dollars.
    public var isUSD: Bool { currency == "USD" }

    /// This price in USD, with the basis of the figure: itself and `native` for a USD price,
    /// converted with `rates` (half up, exact) and `rates.basis` (`ecb:2026-12-04`) for
    /// another currency; `nil` when no rate for the currency is stored. Unknown parts stay
    /// unknown, free stays free.
    public func inUSD(_ rates: ExchangeRates?) -> (price: OfferPrice, basis: String)? {
        if isUSD { return (self, "native") }
        guard let rates else { return nil }
        let converter = CurrencyConverter(rates: rates)
        guard converter.rational(currency) != nil, converter.rational("USD") != nil else { return nil }
        func convert(_ value: PriceValue) -> PriceValue? {
            guard let amount = value.amount else { return .unknown }
            return converter.convert(amount.value, from: currency, to: "USD").map { .amount(PicoUSD($0)) }
        }
        guard let i = convert(input), let o = convert(output), let u = convert(unit) else { return nil }
        return (OfferPrice(billing: billing, input: i, output: o, unit: u, currency: "USD"), rates.basis)
    }

    /// A request's cost converted to USD with `rates` (see ``inUSD(_:)``): the exact
    /// native cost converted once, half up; `nil` without a rate.
    public func usdCost(_ native: PicoUSD, _ rates: ExchangeRates?) -> (cost: PicoUSD, basis: String)? {
        if isUSD { return (native, "native") }
        guard let rates, let usd = CurrencyConverter(rates: rates).convert(native.value, from: currency, to: "USD")
        else {
            return nil
        }
        return (PicoUSD(usd), rates.basis)
    }

    /// An unknown token price.
    public static let unknown = OfferPrice()
    /// A free token price.
    public static let free = OfferPrice(input: .amount(.zero), output: .amount(.zero))

    /// `unknown` when any needed part is unknown, `free` when all are zero, else `priced`.
    public var state: PriceState {
        switch billing {
        case .token:
            guard let i = input.amount, let o = output.amount else { return .unknown }
            return i.value == 0 && o.value == 0 ? .free : .priced
        case .computeTime, .image, .request:
            guard let u = unit.amount else { return .unknown }
            return u.value == 0 ? .free : .priced
        }
    }

    /// The exact cost of a token-billed request in pico-units of ``currency``; `nil` when
    /// the price is unknown (or the product does not fit in 64 bits).
    public func cost(inputTokens: Int64, outputTokens: Int64) -> PicoUSD? {
        guard billing == .token, let i = input.amount, let o = output.amount else { return nil }
        // An absurd published price must not crash the broker: a cost past 64 bits is unknown.
        let (inCost, o1) = inputTokens.multipliedReportingOverflow(by: i.value)
        let (outCost, o2) = outputTokens.multipliedReportingOverflow(by: o.value)
        let (total, o3) = inCost.addingReportingOverflow(outCost)
        return o1 || o2 || o3 ? nil : PicoUSD(total)
    }

    /// The blended per-token price used to sort the market (3 parts input to 1 part
    /// output), in pico-USD per 4 tokens so it stays an integer; `nil` when unknown.
    public var blendedPerFourTokens: Int64? {
        guard billing == .token, let i = input.amount, let o = output.amount else { return nil }
        let (triple, o1) = i.value.multipliedReportingOverflow(by: 3)
        let (sum, o2) = triple.addingReportingOverflow(o.value)
        return o1 || o2 ? nil : sum
    }
}
