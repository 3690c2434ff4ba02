import ProviderInterface

/// One compute offer in the market: the adapter's normalised ``ComputeOffer`` plus where it
/// came from (the registry key of its source) and when that source was last refreshed.
public struct ComputeMarketOffer: Sendable, Hashable {
    /// The registry key of the source (`gpuhunt-aws`, `vast`, `scaleway-gpu`).
    public var source: String
    /// The offer.
    public var offer: ComputeOffer
    /// The price per GPU-hour in pico-units of the offer's currency, as stored.
    public var pricePerGPUHour: Int64?
    /// When its source was last refreshed (Unix milliseconds).
    public var refreshedAt: Int64

    /// A market offer; the per-GPU price is the offer's own unless given.
    public init(source: String, offer: ComputeOffer, pricePerGPUHour: Int64? = nil, refreshedAt: Int64) {
        self.source = source
        self.offer = offer
        self.pricePerGPUHour = pricePerGPUHour ?? offer.pricePerGPUHour
        self.refreshedAt = refreshedAt
    }
}
