/// The right to refresh one provider, won through ``MarketStore/claimRefresh(_:owner:nowMs:ttlMs:)``
/// and checked again by the write it fences
/// (``MarketStore/replaceOffers(provider:offers:nowMs:fencedBy:)``): a holder that lost it
/// meanwhile (its PostgreSQL session ended, or its SQLite lease was taken over) cannot write.
public struct RefreshClaim: Sendable, Hashable {
    /// The provider's registry key.
    public var provider: String
    /// Who claimed it (the refresher's owner string).
    public var owner: String
    /// The store session the claim lives on (PostgreSQL: the connection's session, counted
    /// from 1; SQLite: 0, the lease row is the claim).
    public var session: Int64

    /// A claim.
    public init(provider: String, owner: String, session: Int64) {
        self.provider = provider
        self.owner = owner
        self.session = session
    }
}
