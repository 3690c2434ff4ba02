/// An amount of money in pico-USD (1e-12 USD): the one internal price unit.
///
/// A price published in another currency keeps its own pico-units in this type, with the
/// currency beside it (``OfferPrice/currency``); such an amount is never read as dollars
/// without a labelled conversion (``OfferPrice/inUSD(_:)``).
///
/// A per-token price of $0.88 per million tokens is `PicoUSD(880_000)`. Costs are exact
/// products and sums of these integers; nothing in a price or cost path is floating point.
public struct PicoUSD: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The integer count of pico-USD.
    public var value: Int64

    /// An amount from its integer count of pico-USD.
    public init(_ value: Int64) { self.value = value }

    /// Zero.
    public static let zero = PicoUSD(0)

    /// Parses a decimal price in a named source unit exactly (see ``PriceUnit``).
    /// `nil` when the text is not a number; inexact values round half up.
    public init?(decimal text: String, unit: PriceUnit) {
        guard let scaled = DecimalText.scaled(text, by: unit.picoExponent) else { return nil }
        self.value = scaled.value
    }

    /// This amount in nano-USD, rounded half up: the unit costs are reported in.
    public var roundedNanoUSD: Int64 {
        value >= 0 ? (value + 500) / 1000 : -((-value + 500) / 1000)
    }

    /// This per-token price as USD per million tokens, as exact decimal text (`"0.88"`).
    public var usdPerMillionTokensText: String { DecimalText.format(value, fractionDigits: 6) }

    /// Orders by amount.
    public static func < (lhs: PicoUSD, rhs: PicoUSD) -> Bool { lhs.value < rhs.value }
    /// The exact sum.
    public static func + (lhs: PicoUSD, rhs: PicoUSD) -> PicoUSD { PicoUSD(lhs.value + rhs.value) }

    /// `tokens × price`, exactly.
    public static func * (tokens: Int64, price: PicoUSD) -> PicoUSD { PicoUSD(tokens * price.value) }

    /// The text printed for this value.
    public var description: String { "\(value) pico-USD" }
}

/// The unit a provider publishes a price in; every adapter names the unit of each field it reads.
public enum PriceUnit: String, Sendable, Hashable, Codable, CaseIterable {
    /// USD per token (OpenRouter's strings, Cerebras' catalog): `"0.000000015"`.
    case usdPerToken = "usd_per_token"
    /// USD per million tokens (Hugging Face router, Together, DeepInfra): `0.88`.
    case usdPerMillionTokens = "usd_per_mtok"
    /// 1/10,000 USD per million tokens (Novita): `2700` is $0.27 per million.
    case tenThousandthUSDPerMillionTokens = "usd_1e-4_per_mtok"
    /// USD per unit of a non-token billing (per second, per image, per request).
    case usdPerUnit = "usd_per_unit"
    /// EUR per million tokens (Scaleway's and OVHcloud's published tables): `0.9`.
    case eurPerMillionTokens = "eur_per_mtok"
    /// EUR per token: `"0.0000009"`.
    case eurPerToken = "eur_per_token"

    /// The ISO 4217 currency of this unit; the amount it parses to is in pico-units of it.
    public var currency: String {
        switch self {
        case .usdPerToken, .usdPerMillionTokens, .tenThousandthUSDPerMillionTokens, .usdPerUnit: "USD"
        case .eurPerMillionTokens, .eurPerToken: "EUR"
        }
    }

    /// `x` in this unit equals `x × 10^picoExponent` pico-USD per token (or per unit).
    public var picoExponent: Int {
        switch self {
        case .usdPerToken, .usdPerUnit, .eurPerToken: 12
        case .usdPerMillionTokens, .eurPerMillionTokens: 6
        case .tenThousandthUSDPerMillionTokens: 2
        }
    }
}
