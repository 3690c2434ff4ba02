import ProviderInterface

/// One row of the marketplace: a model served by a provider (through one serving
/// endpoint) in one region, at one price.
///
/// `provider` is the registry key; `servedBy` is who runs the model (the provider's own
/// key for a direct provider, the upstream for an aggregator); `model` is the id the
/// provider expects in requests and `hfID` the canonical Hugging Face id when known.
public struct Offer: Sendable, Hashable {
    /// The registry key of the provider the request goes to.
    public var provider: String
    /// Who runs the model: the provider's own key for direct providers.
    public var servedBy: String
    /// The provider-side model id, as sent in requests.
    public var model: String
    /// The id the serving endpoint uses, when it differs (Hugging Face's `providerId`).
    public var servedModelID: String?
    /// The canonical Hugging Face id of the same weights, when known.
    public var hfID: String?
    /// The task, named as Hugging Face names it.
    public var task: ModelTask
    /// The price: billing plus input/output/unit prices, each possibly unknown.
    public var price: OfferPrice
    /// Where requests are processed.
    public var region: Region
    /// ISO country codes of the processing locations, when known.
    public var countries: [String]
    /// Compliance tags this offer positively qualifies for.
    public var compliance: [ComplianceTag]
    /// Maximum context length in tokens, when published.
    public var contextLength: Int?
    /// Whether tool calls are supported, when published.
    public var supportsTools: Bool?
    /// Whether structured output is supported, when published.
    public var supportsStructuredOutput: Bool?
    /// Whether image input is supported, when published or declared.
    public var supportsImages: Bool?
    /// The provider's own time-to-first-token figure, in milliseconds.
    public var firstTokenLatencyMs: Int?
    /// The provider's own throughput figure, output tokens per second.
    public var throughputTokensPerSecond: Int?
    /// Whether the price comes from a static table in the registry, not the provider's API.
    public var curated: Bool
    /// The date a curated price table was taken (`2025-06-01`), when curated.
    public var priceTaken: String?
    /// When the offer was last refreshed, in Unix milliseconds.
    public var refreshedAt: Int64
    /// The day the provider retires the model (`2026-08-16`), when announced: from that
    /// day on the offer is not routed to.
    public var retiresAt: String? = nil

    /// An offer; `servedBy` defaults to `provider` (a direct provider), the rest to unknown.
    public init(
        provider: String, servedBy: String? = nil, model: String, servedModelID: String? = nil,
        hfID: String? = nil, task: ModelTask, price: OfferPrice = .unknown, region: Region = .unknown,
        countries: [String] = [], compliance: [ComplianceTag] = [], contextLength: Int? = nil,
        supportsTools: Bool? = nil, supportsStructuredOutput: Bool? = nil, firstTokenLatencyMs: Int? = nil,
        throughputTokensPerSecond: Int? = nil, curated: Bool = false, priceTaken: String? = nil,
        refreshedAt: Int64 = 0
    ) {
        self.provider = provider
        self.servedBy = servedBy ?? provider
        self.model = model
        self.servedModelID = servedModelID
        self.hfID = hfID
        self.task = task
        self.price = price
        self.region = region
        self.countries = countries
        self.compliance = compliance
        self.contextLength = contextLength
        self.supportsTools = supportsTools
        self.supportsStructuredOutput = supportsStructuredOutput
        self.firstTokenLatencyMs = firstTokenLatencyMs
        self.throughputTokensPerSecond = throughputTokensPerSecond
        self.curated = curated
        self.priceTaken = priceTaken
        self.refreshedAt = refreshedAt
    }

    /// Sets the region, countries and compliance tags from a curated region record.
    public mutating func apply(_ record: RegionRecord) {
        region = record.region
        countries = record.countries
        compliance = record.complianceTags
    }

    /// Whether the offer supports `capability`: `nil` when nobody said.
    public func supports(_ capability: ModelCapability) -> Bool? {
        switch capability {
        case .tools: return supportsTools
        case .jsonSchema: return supportsStructuredOutput
        case .vision: return supportsImages
        }
    }

    /// The capabilities the offer is known to support, in order.
    public var knownCapabilities: [ModelCapability] {
        ModelCapability.allCases.filter { supports($0) == true }
    }

    /// Whether the model is retired on the UTC day of `nowMs` (its `retiresAt` is that day or earlier).
    public func isRetired(nowMs: Int64) -> Bool {
        guard let retiresAt else { return false }
        return retiresAt <= Timestamp.day(ms: nowMs)
    }

    /// A curated table older than this many days is flagged (`price_age_days`) and warned about.
    public static let curatedPriceMaxAgeDays: Int64 = 90

    /// Days since the curated price was taken, on the UTC day of `nowMs`; `nil` for prices
    /// read from the provider's API or feed.
    public func priceAgeDays(nowMs: Int64) -> Int64? {
        guard curated, let priceTaken else { return nil }
        return Timestamp.daysSince(day: priceTaken, nowMs: nowMs)
    }

    /// Whether the offer carries `tag`.
    public func has(_ tag: ComplianceTag) -> Bool { compliance.contains(tag) }
}
