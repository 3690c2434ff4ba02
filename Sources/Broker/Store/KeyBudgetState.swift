/// A client key's budget as the store holds it, shared by every `broker serve` instance on the
/// store: what a reservation or a settlement left (``MarketStore/reserveKeyBudget(_:amount:budget:holder:nowMs:holdMs:)``).
public struct KeyBudgetState: Sendable, Hashable {
    /// Whether the reservation was made (a settlement is always `true`).
    public var granted: Bool
    /// What the key has spent, pico-USD, every instance's settled requests included.
    public var spent: Int64
    /// What requests in flight on every instance may still cost, pico-USD.
    public var reserved: Int64

    /// A state.
    public init(granted: Bool, spent: Int64, reserved: Int64) {
        self.granted = granted
        self.spent = spent
        self.reserved = reserved
    }
}
