/// A per-offer circuit breaker kept in the usage ledger, so it holds across `broker`
/// processes: after `threshold` consecutive failed attempts, the offer is skipped for
/// `cooldownMs`; then one request probes it again (half-open), and a success closes it.
public struct CircuitBreaker: Sendable, Hashable {
    /// Consecutive failures that open the circuit.
    public var threshold: Int
    /// How long an open circuit stays open before a probe, in milliseconds.
    public var cooldownMs: Int64

    /// A breaker: 3 failures, 60 s cooldown by default.
    public init(threshold: Int = 3, cooldownMs: Int64 = 60_000) {
        self.threshold = threshold
        self.cooldownMs = cooldownMs
    }

    /// Whether the circuit is open, given the offer's most recent attempts (newest first).
    public func isOpen(recent: [(ok: Bool, at: Int64)], nowMs: Int64) -> Bool {
        guard recent.count >= threshold else { return false }
        let window = recent.prefix(threshold)
        guard window.allSatisfy({ !$0.ok }), let newest = window.first else { return false }
        return nowMs - newest.at < cooldownMs
    }
}
