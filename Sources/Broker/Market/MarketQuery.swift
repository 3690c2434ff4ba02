import ProviderInterface

/// A market query: filters, an order and a staleness rule, answered by
/// ``MarketStore/queryOffers(_:)`` in SQL.
///
/// Every filter that is `nil` (or empty) is off. Region and compliance filters match only
/// offers positively known to qualify: an offer in region `unknown` never matches
/// `region: .eu`, and one without tags never matches `compliance: .gdpr`.
public struct MarketQuery: Sendable, Hashable {
    /// The order of the results.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        /// Blended price ascending (3 parts input to 1 part output); unknown prices last.
        case price
        /// Context length descending; unknown context last.
        case context
        /// Model id, then provider and serving endpoint.
        case model
    }

    /// Only these providers (registry keys); empty for all.
    public var providers: [String]
    /// Only this serving endpoint.
    public var servedBy: String?
    /// Only this task.
    public var task: ModelTask?
    /// Only this region (exact).
    public var region: Region?
    /// Only offers carrying this compliance tag.
    public var compliance: ComplianceTag?
    /// A case-insensitive (ASCII) substring of the model id or of the Hugging Face id.
    public var modelText: String?
    /// Exactly this model id or Hugging Face id (what `run --model` routes over).
    public var modelID: String?
    /// Only offers priced in this currency (`EUR`); caps and the price order then compare
    /// native amounts. Without it, caps and the price order compare USD: other currencies
    /// by their value converted with the stored reference rate (no rate: excluded by a cap,
    /// ordered after every comparable price and before unknown ones).
    public var currency: String?
    /// Input price cap per token (pico-USD, or pico-units of ``currency``): excludes unknown
    /// prices, includes free ones.
    public var maxInputPrice: PicoUSD?
    /// Output price cap per token: excludes unknown prices, includes free ones.
    public var maxOutputPrice: PicoUSD?
    /// The order.
    public var sort: Sort
    /// At most this many offers.
    public var limit: Int?
    /// Whether stale offers are returned too.
    public var includeStale: Bool
    /// Only offers known to support every one of these.
    public var supports: Set<ModelCapability> = []
    /// The current time in Unix milliseconds, against which staleness is judged.
    public var nowMs: Int64
    /// Refresh interval per provider, in milliseconds (from the registry).
    public var refreshIntervalsMs: [String: Int64]
    /// Refresh interval for providers not in ``refreshIntervalsMs`` (1 h).
    public var defaultRefreshIntervalMs: Int64

    /// A query at `nowMs`; every filter off, sorted by price, stale offers left out.
    public init(
        nowMs: Int64, providers: [String] = [], servedBy: String? = nil, task: ModelTask? = nil,
        region: Region? = nil, compliance: ComplianceTag? = nil, modelText: String? = nil,
        modelID: String? = nil, maxInputPrice: PicoUSD? = nil, maxOutputPrice: PicoUSD? = nil, sort: Sort = .price,
        limit: Int? = nil,
        includeStale: Bool = false, refreshIntervalsMs: [String: Int64] = [:],
        defaultRefreshIntervalMs: Int64 = 3_600_000
    ) {
        self.nowMs = nowMs
        self.providers = providers
        self.servedBy = servedBy
        self.task = task
        self.region = region
        self.compliance = compliance
        self.modelText = modelText
        self.modelID = modelID
        self.maxInputPrice = maxInputPrice
        self.maxOutputPrice = maxOutputPrice
        self.sort = sort
        self.limit = limit
        self.includeStale = includeStale
        self.refreshIntervalsMs = refreshIntervalsMs
        self.defaultRefreshIntervalMs = defaultRefreshIntervalMs
    }

    /// Whether answering needs the other currencies' conversion to USD.
    var comparesInUSD: Bool {
        currency == nil && (sort == .price || maxInputPrice != nil || maxOutputPrice != nil)
    }

    /// The refresh interval of `provider`, in milliseconds.
    public func refreshIntervalMs(for provider: String) -> Int64 {
        refreshIntervalsMs[provider] ?? defaultRefreshIntervalMs
    }

    /// Offers of `provider` refreshed before this instant (two intervals ago) are stale.
    public func staleBeforeMs(for provider: String) -> Int64 {
        nowMs - 2 * refreshIntervalMs(for: provider)
    }

    /// Whether `offer` is stale at ``nowMs``: refreshed more than two intervals ago.
    public func isStale(_ offer: Offer) -> Bool {
        offer.refreshedAt < staleBeforeMs(for: offer.provider)
    }
}
