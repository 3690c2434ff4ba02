import ProviderInterface

/// A query over the compute offers (`broker gpus`, `GET /v1/marketplace/gpus`), answered by
/// ``MarketStore/queryComputeOffers(_:)`` in SQL.
///
/// Every filter that is `nil` (or empty) is off. Region and compliance filters match only
/// offers positively known to qualify: region `unknown` never matches. Prices in other
/// currencies than ``currency`` are compared and sorted through the stored reference rate;
/// without a rate for a currency its offers never pass a price cap and sort after the rest.
public struct ComputeQuery: Sendable, Hashable {
    /// The order of the results.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        /// Hourly price ascending (in ``ComputeQuery/currency``); unknown last.
        case price
        /// Price per GPU-hour ascending; unknown last.
        case pricePerGPU = "price-per-gpu"
        /// Memory per GPU descending, then price.
        case gpuMemory = "gpu-memory"
    }

    /// A GPU model (`H100` also matches `H100-SXM`, `H100-PCIE`, `H100-NVL`).
    public var gpu: String?
    /// At least this many GPUs per instance.
    public var minGPUs: Int?
    /// At least this much memory per GPU, in GiB.
    public var minGPUMemoryGiB: Int?
    /// Only this region; or, as a two-letter code, only this country.
    public var region: Region?
    /// Only offers in this country (ISO code, upper case).
    public var country: String?
    /// Only offers carrying this compliance tag.
    public var compliance: ComplianceTag?
    /// At most this hourly price, in pico-units of ``currency``.
    public var maxHourly: Int64?
    /// The currency of ``maxHourly`` and of the price order (`USD` by default).
    public var currency: String
    /// Only this pricing model; `nil` for any.
    public var pricing: ComputePricingModel?
    /// Only these providers or sources (registry keys); empty for all.
    public var providers: [String]
    /// The order.
    public var sort: Sort
    /// At most this many offers.
    public var limit: Int?
    /// Whether offers of stale sources are returned too.
    public var includeStale: Bool
    /// The current time in Unix milliseconds, against which staleness is judged.
    public var nowMs: Int64
    /// Refresh interval per source, in milliseconds (from the registry).
    public var refreshIntervalsMs: [String: Int64]
    /// Refresh interval for sources not in ``refreshIntervalsMs`` (1 h).
    public var defaultRefreshIntervalMs: Int64

    /// A query at `nowMs`; every filter off, sorted by price in USD, stale offers left out.
    public init(
        nowMs: Int64, gpu: String? = nil, minGPUs: Int? = nil, minGPUMemoryGiB: Int? = nil, region: Region? = nil,
        country: String? = nil, compliance: ComplianceTag? = nil, maxHourly: Int64? = nil, currency: String = "USD",
        pricing: ComputePricingModel? = nil, providers: [String] = [], sort: Sort = .price, limit: Int? = nil,
        includeStale: Bool = false, refreshIntervalsMs: [String: Int64] = [:],
        defaultRefreshIntervalMs: Int64 = 3_600_000
    ) {
        self.nowMs = nowMs
        self.gpu = gpu
        self.minGPUs = minGPUs
        self.minGPUMemoryGiB = minGPUMemoryGiB
        self.region = region
        self.country = country
        self.compliance = compliance
        self.maxHourly = maxHourly
        self.currency = currency
        self.pricing = pricing
        self.providers = providers
        self.sort = sort
        self.limit = limit
        self.includeStale = includeStale
        self.refreshIntervalsMs = refreshIntervalsMs
        self.defaultRefreshIntervalMs = defaultRefreshIntervalMs
    }

    /// Offers of `source` refreshed before this instant (two intervals ago) are stale.
    public func staleBeforeMs(for source: String) -> Int64 {
        nowMs - 2 * (refreshIntervalsMs[source] ?? defaultRefreshIntervalMs)
    }

    /// Whether `offer` is stale at ``nowMs``.
    public func isStale(_ offer: ComputeMarketOffer) -> Bool {
        offer.refreshedAt < staleBeforeMs(for: offer.source)
    }
}
