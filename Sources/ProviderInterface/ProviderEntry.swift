/// One provider as the registry declares it: everything an adapter needs to be built.
///
/// Built by the broker's registry loader after validation; adapters read their own
/// settings from ``options``.
public struct ProviderEntry: Sendable, Hashable {
    /// The registry key (`huggingface`, `together`, …).
    public var key: String
    /// The adapter kind (`huggingface`, `openai-compatible`, `openrouter`, `exec`).
    public var adapter: String
    /// Whether the provider is refreshed and routed to.
    public var enabled: Bool
    /// The API base URL (`https://router.huggingface.co`).
    public var baseURL: String
    /// Further named URLs (`hub_url` for Hugging Face).
    public var urls: [String: String]
    /// The **name** of the environment variable holding the credential, never its value.
    public var authEnv: String?
    /// Where the provider runs.
    public var region: RegionRecord
    /// Per serving endpoint region records, for aggregators (`scaleway` → EU/FR).
    public var servedByRegions: [String: RegionRecord]
    /// How often to refresh, in seconds.
    public var refreshIntervalSeconds: Int
    /// Bound on each request, in milliseconds. For a streamed answer it bounds the wait for
    /// the first byte and the silence between chunks, never the stream's length.
    public var timeoutMs: Int
    /// The cap on a streamed answer's whole length (`max_duration`), in milliseconds; `nil`: none.
    public var maxDurationMs: Int?
    /// Bound on the time to the first byte of an answer, in milliseconds.
    public var firstByteTimeoutMs: Int
    /// How prices are read.
    public var pricing: PricingConfig
    /// Adapter-specific settings, validated by the adapter.
    public var options: JSONObject
    /// Capabilities the registry declares for every model of this provider (`"capabilities":
    /// {"tools": true, "vision": false}`); what a catalog publishes wins over them.
    public var capabilities: [ModelCapability: Bool] = [:]
    /// Position in the registry (the `preferred` policy's order).
    public var index: Int

    /// An entry with defaults for everything but the key, kind and base URL.
    public init(
        key: String, adapter: String, enabled: Bool = true, baseURL: String, urls: [String: String] = [:],
        authEnv: String? = nil, region: RegionRecord = .unknown, servedByRegions: [String: RegionRecord] = [:],
        refreshIntervalSeconds: Int = 3600, timeoutMs: Int = 60_000, firstByteTimeoutMs: Int = 30_000,
        pricing: PricingConfig = PricingConfig(), options: JSONObject = JSONObject(), index: Int = 0,
        maxDurationMs: Int? = nil
    ) {
        self.key = key
        self.adapter = adapter
        self.enabled = enabled
        self.baseURL = baseURL
        self.urls = urls
        self.authEnv = authEnv
        self.region = region
        self.servedByRegions = servedByRegions
        self.refreshIntervalSeconds = refreshIntervalSeconds
        self.timeoutMs = timeoutMs
        self.firstByteTimeoutMs = firstByteTimeoutMs
        self.maxDurationMs = maxDurationMs
        self.pricing = pricing
        self.options = options
        self.index = index
    }

    /// The region record of a serving endpoint: its curated record, else the provider's
    /// own when it serves itself, else unknown. Never guessed.
    public func regionRecord(servedBy: String?) -> RegionRecord {
        guard let servedBy, servedBy != key else { return region }
        return servedByRegions[servedBy] ?? .unknown
    }
}

/// How a provider's prices are read.
public struct PricingConfig: Sendable, Hashable {
    /// Where prices come from.
    public enum Source: String, Sendable, Hashable {
        /// From the provider's API, in ``PricingConfig/unit``.
        case api
        /// From the static table in the registry entry.
        case `static`
        /// No prices: every offer is unknown (or free for local servers, see ``zeroIsFree``).
        case none
    }

    /// Where prices come from.
    public var source: Source
    /// The unit of the API's price fields, or of the static table.
    public var unit: PriceUnit
    /// Whether a zero price means free (`true`) or not offered, i.e. unknown (`false`).
    public var zeroIsFree: Bool
    /// The static table (source `static`), or prices that override the API's.
    public var table: [StaticPrice]
    /// When the static table was taken (`2026-11-01`).
    public var taken: String?
    /// The page the static table was taken from.
    public var sourceURL: String?
    /// When `true`, the catalog itself is the static table: refresh makes no network call.
    public var catalogIsTable: Bool

    /// A pricing configuration; defaults to API prices in USD per million tokens.
    public init(
        source: Source = .api, unit: PriceUnit = .usdPerMillionTokens, zeroIsFree: Bool = true,
        table: [StaticPrice] = [], taken: String? = nil, sourceURL: String? = nil, catalogIsTable: Bool = false
    ) {
        self.source = source
        self.unit = unit
        self.zeroIsFree = zeroIsFree
        self.table = table
        self.taken = taken
        self.sourceURL = sourceURL
        self.catalogIsTable = catalogIsTable
    }
}

/// One row of a static price table in the registry.
public struct StaticPrice: Sendable, Hashable {
    /// The provider-side model id.
    public var model: String
    /// The Hugging Face id, when known.
    public var hfID: String?
    /// The task (default `conversational`).
    public var task: ModelTask
    /// Context length, when known.
    public var contextLength: Int?
    /// The price.
    public var price: OfferPrice
    /// The day the provider retires the model (`2026-08-16`), when announced.
    public var retiresAt: String? = nil
    /// The day this row's price was taken, when it differs from the table's.
    public var taken: String? = nil
    /// The page this row's price was taken from, when it differs from the table's.
    public var sourceURL: String? = nil

    /// A row.
    public init(
        model: String, hfID: String? = nil, task: ModelTask = .conversational, contextLength: Int? = nil,
        price: OfferPrice
    ) {
        self.model = model
        self.hfID = hfID
        self.task = task
        self.contextLength = contextLength
        self.price = price
    }
}
