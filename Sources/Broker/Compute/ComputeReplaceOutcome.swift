/// What ``MarketStore/replaceComputeOffers(source:offers:version:nowMs:)`` changed.
public struct ComputeReplaceOutcome: Sendable, Hashable {
    /// Offers stored before.
    public var previousOffers: Int
    /// Offers stored now (an offer id listed twice counts once).
    public var offers: Int
    /// Offer ids whose price changed (a `compute_price_history` row each).
    public var priceChanges: Int
    /// Offer ids that were not there before.
    public var appeared: Int
    /// Offer ids that are gone.
    public var removed: Int
    /// Rows written for offers that were not stored.
    public var inserted: Int
    /// Stored rows rewritten because something about their offer changed.
    public var rewritten: Int
}
