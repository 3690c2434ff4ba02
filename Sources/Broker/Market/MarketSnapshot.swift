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
