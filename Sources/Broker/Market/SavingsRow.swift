/// One row of `broker usage --savings`: what answered requests cost against the cheapest
/// offer that fitted each of them at the time, for the same tokens, in USD.
public struct SavingsRow: Sendable, Hashable {
    /// The group key (as ``UsageRow/key``).
    public var key: String
    /// Answered requests with both figures known.
    public var requests: Int
    /// What they cost, in pico-USD (converted for other currencies at each request's rate).
    public var paidPicoUSD: Int64
    /// What the cheapest fitting offer would have cost them, in pico-USD.
    public var cheapestPicoUSD: Int64
    /// Answered requests left out: their USD cost or the cheapest alternative was unknown.
    public var unknown: Int

    /// A row.
    public init(key: String, requests: Int, paidPicoUSD: Int64, cheapestPicoUSD: Int64, unknown: Int) {
        self.key = key
        self.requests = requests
        self.paidPicoUSD = paidPicoUSD
        self.cheapestPicoUSD = cheapestPicoUSD
        self.unknown = unknown
    }

    /// Paid above the cheapest (never negative: the cheapest is among the fitting offers).
    public var overpaidPicoUSD: Int64 { max(0, paidPicoUSD - cheapestPicoUSD) }
}
