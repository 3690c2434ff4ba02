import ProviderInterface

/// A price as stored: the comparison that decides whether a price changed.
struct StoredPrice: Hashable {
    var billing: String
    var input: Int64?
    var output: Int64?
    var unit: Int64?
    /// The currency of the amounts; a change of currency is a change of price.
    var currency: String

    init(billing: String, input: Int64?, output: Int64?, unit: Int64?, currency: String = "USD") {
        self.billing = billing
        self.input = input
        self.output = output
        self.unit = unit
        self.currency = currency
    }

    init(_ price: OfferPrice) {
        self.init(
            billing: price.billing.rawValue, input: price.input.amount?.value, output: price.output.amount?.value,
            unit: price.unit.amount?.value, currency: price.currency)
    }
}
