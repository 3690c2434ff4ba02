/// A market filter with a value it does not accept.
public struct MarketFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The filter's name without dashes (`region`, `max-input-price`).
    public var filter: String
    /// What it accepts.
    public var message: String
    public var description: String { "\(filter) \(message)" }
}
