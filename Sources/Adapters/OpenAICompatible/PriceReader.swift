import ProviderInterface

/// Reads prices from a provider's list fields in one named unit, applying the entry's rule
/// for zero and its static table. Pure.
struct PriceReader: Sendable {
    /// The unit of every price field this reader converts.
    var unit: PriceUnit
    /// Whether a published zero means free; when `false`, an all-zero price is unknown
    /// (Together's `0/0` on models that are not serverless-priced).
    var zeroIsFree: Bool
    /// Static rows by model id; they override prices read from the API.
    var table: [String: StaticPrice]

    /// A reader for an entry's pricing configuration.
    init(_ pricing: PricingConfig, unit: PriceUnit? = nil) {
        self.unit = unit ?? pricing.unit
        self.zeroIsFree = pricing.zeroIsFree
        var rows: [String: StaticPrice] = [:]
        for row in pricing.table where rows[row.model] == nil { rows[row.model] = row }
        self.table = rows
    }

    /// One field: a number or decimal string in ``unit``. Missing, `null`, negative
    /// sentinels (`"-1"`) and text that is not a number are unknown — never zero.
    func value(_ field: JSONValue?) -> PriceValue {
        let text: String?
        switch field {
        case .number(let n)?: text = n
        case .string(let s)?: text = s
        default: text = nil
        }
        guard let text, let value = PriceValue.parse(text, unit: unit) else { return .unknown }
        return value
    }

    /// A per-token price from an input and an output field. When zero does not mean free,
    /// a price whose parts are all zero is unknown; a single zero part next to a real price
    /// stands (a free prompt with a priced completion is a real offer).
    func tokenPrice(input: JSONValue?, output: JSONValue?) -> OfferPrice {
        var price = OfferPrice(billing: .token, input: value(input), output: value(output), currency: unit.currency)
        if !zeroIsFree, price.state == .free { price = OfferPrice(currency: unit.currency) }
        return price
    }

    /// The table's row for a model, which overrides any price read from the API.
    func override(for model: String) -> StaticPrice? { table[model] }
}
