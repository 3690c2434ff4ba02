import ProviderInterface

/// What routing reads of one model's market, in one read of the store: the offers, the
/// broker's own figures and latest attempts for each, and the reference rates.
///
/// One snapshot: the figures belong to the offers read with them, even while another
/// process commits a refresh or ledger rows.
public struct MarketSnapshot: Sendable {
    /// The offers matching the query, in its order.
    public var offers: [Offer]
    /// The broker's own latency figures, for the offers that have any.
    public var measured: [OfferKey: MeasuredLatency]
    /// Each offer's latest attempts, newest first (as many as the circuit breaker needs).
    public var recentAttempts: [OfferKey: [(ok: Bool, at: Int64)]]
    /// The stored reference rates, read when an offer is priced in another currency than USD.
    public var rates: ExchangeRates?

    /// A snapshot.
    public init(
        offers: [Offer], measured: [OfferKey: MeasuredLatency] = [:],
        recentAttempts: [OfferKey: [(ok: Bool, at: Int64)]] = [:], rates: ExchangeRates? = nil
    ) {
        self.offers = offers
        self.measured = measured
        self.recentAttempts = recentAttempts
        self.rates = rates
    }
}

extension MarketSnapshot {
    /// The snapshot of `offers`, each offer's figures and latest attempts read once by the
    /// backend's readers (inside the caller's one read transaction), and the rates read when
    /// an offer is priced in another currency than USD.
    static func reading(
        _ offers: [Offer], measured: (OfferKey) throws -> MeasuredLatency?,
        attempts: (OfferKey) throws -> [(ok: Bool, at: Int64)], rates: () throws -> ExchangeRates?
    ) throws -> MarketSnapshot {
        var snapshot = MarketSnapshot(offers: offers)
        for offer in offers {
            let key = OfferKey(offer)
            guard snapshot.recentAttempts[key] == nil else { continue }
            snapshot.measured[key] = try measured(key)
            snapshot.recentAttempts[key] = try attempts(key)
        }
        if offers.contains(where: { !$0.price.isUSD }) { snapshot.rates = try rates() }
        return snapshot
    }
}
