import ProviderInterface

/// A price that changed, or appeared, for one model at one serving endpoint.
public struct PriceChange: Sendable, Hashable {
    /// The provider's registry key.
    public var provider: String
    /// Who serves the model.
    public var servedBy: String
    /// The provider-side model id.
    public var model: String
    /// When the change was seen, in Unix milliseconds (the refresh that stored it).
    public var at: Int64
    /// The billing of the new price.
    public var billing: Billing
    /// The previous input price; `nil` when the offer appeared.
    public var oldInput: PriceValue?
    /// The previous output price; `nil` when the offer appeared.
    public var oldOutput: PriceValue?
    /// The previous per-unit price; `nil` when the offer appeared.
    public var oldUnit: PriceValue?
    /// The new input price.
    public var newInput: PriceValue
    /// The new output price.
    public var newOutput: PriceValue
    /// The new per-unit price.
    public var newUnit: PriceValue
    /// The currency of the new price (pico-units of it); a change of currency is a change.
    public var currency: String

    /// A change.
    public init(
        provider: String, servedBy: String, model: String, at: Int64, billing: Billing = .token,
        oldInput: PriceValue?, oldOutput: PriceValue?, oldUnit: PriceValue? = nil, newInput: PriceValue,
        newOutput: PriceValue, newUnit: PriceValue = .unknown, currency: String = "USD"
    ) {
        self.currency = currency
        self.provider = provider
        self.servedBy = servedBy
        self.model = model
        self.at = at
        self.billing = billing
        self.oldInput = oldInput
        self.oldOutput = oldOutput
        self.oldUnit = oldUnit
        self.newInput = newInput
        self.newOutput = newOutput
        self.newUnit = newUnit
    }

    /// Whether this records the offer's first price rather than a change.
    public var appeared: Bool { oldInput == nil && oldOutput == nil && oldUnit == nil }
}

extension PriceChange {
    /// Two lists of changes, each in time order, as one in time order: `written` ones first on a
    /// tie (an offer's recorded changes before the appearances still pending, as every backend
    /// reads them).
    static func merged(_ written: [PriceChange], _ pending: [PriceChange]) -> [PriceChange] {
        guard !pending.isEmpty else { return written }
        var merged: [PriceChange] = []
        merged.reserveCapacity(written.count + pending.count)
        var w = 0
        var p = 0
        while w < written.count || p < pending.count {
            if p == pending.count || (w < written.count && written[w].at <= pending[p].at) {
                merged.append(written[w])
                w += 1
            } else {
                merged.append(pending[p])
                p += 1
            }
        }
        return merged
    }
}
