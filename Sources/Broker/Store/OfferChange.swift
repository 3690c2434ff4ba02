/// What another process changed in the store's offers, as
/// ``MarketStore/offerChanges()`` reports it.
public enum OfferChange: Sendable, Hashable {
    /// A refresh of this provider committed.
    case provider(String)
    /// Changes may have been missed (the watch lost its connection, or could not read for a
    /// while): re-read everything.
    case all
}
