/// A market filter with a value it does not accept.
public struct MarketFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The filter's name without dashes (`region`, `max-input-price`).
    public var filter: String
    /// What it accepts.
    public var message: String
    /// What was refused, for a person to read: the filter and what it accepts.
    public var description: String { "\(filter) \(message)" }
}
