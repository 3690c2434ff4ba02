/// What ``MarketStore/replaceOffers(provider:offers:nowMs:)`` changed.
public struct ReplaceOutcome: Sendable, Hashable {
    /// The provider's registry key.
    public var provider: String
    /// Offers stored before the replace.
    public var previousOffers: Int
    /// Offers stored now (duplicates of one provider/served-by/model/task count once).
    public var offers: Int
    /// (served-by, model) pairs that were not there before.
    public var appeared: Int
    /// (served-by, model) pairs whose price changed.
    public var priceChanges: Int
    /// (served-by, model) pairs that are gone.
    public var removed: Int
    /// Rows written for offers that were not stored.
    public var inserted: Int
    /// Stored rows rewritten because something about their offer changed.
    public var rewritten: Int
    /// Stored rows deleted because their offer is gone.
    public var deleted: Int

    /// Stored rows left alone because their offer did not change.
    public var unchanged: Int { offers - inserted - rewritten }

    /// An outcome.
    public init(
        provider: String, previousOffers: Int, offers: Int, appeared: Int, priceChanges: Int, removed: Int,
        inserted: Int = 0, rewritten: Int = 0, deleted: Int = 0
    ) {
        self.provider = provider
        self.previousOffers = previousOffers
        self.offers = offers
        self.appeared = appeared
        self.priceChanges = priceChanges
        self.removed = removed
        self.inserted = inserted
        self.rewritten = rewritten
        self.deleted = deleted
    }
}
