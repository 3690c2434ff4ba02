import ProviderInterface

/// How to choose among the offers that fit a request.
public enum RoutePolicy: String, Sendable, Hashable, CaseIterable {
    /// Lowest expected cost for this request's token estimate.
    case cheapest
    /// Lowest expected completion time: time to first token plus the expected output tokens
    /// over throughput (``ExpectedCompletion``), from the broker's own medians where it has
    /// enough, else the provider's figures.
    case fastest
    /// Registry order.
    case preferred
}

/// What a request needs from an offer.
public struct RouteRequest: Sendable, Hashable {
    /// The model id or Hugging Face id (aliases already resolved).
    public var model: String
    /// The task; `nil` accepts chat (`conversational` or `text-generation`).
    public var task: ModelTask?
    /// Only offers known to run in this region.
    public var region: Region?
    /// Only offers known to carry this tag.
    public var compliance: ComplianceTag?
    /// Only offers priced in this currency (`EUR`): the caps, the budget and the
    /// `cheapest` order are then in it. Without it they are in USD, other currencies
    /// compared by their value converted with the stored reference rate.
    public var currency: String?
    /// Price caps per token.
    public var maxInputPrice: PicoUSD?
    /// Price caps per token.
    public var maxOutputPrice: PicoUSD?
    /// Pin a provider, and optionally its serving endpoint.
    public var provider: String?
    /// Pin a serving endpoint.
    public var servedBy: String?
    /// The policy.
    public var policy: RoutePolicy
    /// Whether offers with unknown prices may be used (after the priced ones).
    public var allowUnpriced: Bool
    /// Whether stale offers may be used.
    public var includeStale: Bool
    /// Estimated prompt tokens.
    public var estimatedInputTokens: Int64
    /// Estimated (or capped) completion tokens.
    public var estimatedOutputTokens: Int64
    /// The most the request may cost, in pico-USD, at the estimate.
    public var maxCost: PicoUSD?
    /// What the request uses that not every offer supports (tools, a JSON schema, images):
    /// offers known to lack one are excluded, offers known to support all come first.
    public var capabilities: Set<ModelCapability> = []

    /// A request; only the model is required.
    public init(
        model: String, task: ModelTask? = nil, region: Region? = nil, compliance: ComplianceTag? = nil,
        maxInputPrice: PicoUSD? = nil, maxOutputPrice: PicoUSD? = nil, provider: String? = nil, servedBy: String? = nil,
        policy: RoutePolicy = .cheapest, allowUnpriced: Bool = false, includeStale: Bool = false,
        estimatedInputTokens: Int64 = 0, estimatedOutputTokens: Int64 = 256, maxCost: PicoUSD? = nil
    ) {
        self.model = model
        self.task = task
        self.region = region
        self.compliance = compliance
        self.maxInputPrice = maxInputPrice
        self.maxOutputPrice = maxOutputPrice
        self.provider = provider
        self.servedBy = servedBy
        self.policy = policy
        self.allowUnpriced = allowUnpriced
        self.includeStale = includeStale
        self.estimatedInputTokens = estimatedInputTokens
        self.estimatedOutputTokens = estimatedOutputTokens
        self.maxCost = maxCost
    }

    /// The capabilities a chat request uses: `tools` (a non-empty `tools` list), `json-schema`
    /// (`response_format.type` is `json_schema`) and `vision` (an `image_url` part in a message).
    public static func capabilities(parameters: JSONObject, messages: [ChatMessage]) -> Set<ModelCapability> {
        var used: Set<ModelCapability> = []
        if let tools = parameters["tools"]?.arrayValue, !tools.isEmpty { used.insert(.tools) }
        if parameters["response_format"]?["type"]?.stringValue == "json_schema" { used.insert(.jsonSchema) }
        let hasImage = messages.contains { message in
            message.wire?.content?.arrayValue?.contains { $0["type"]?.stringValue == "image_url" } == true
        }
        if hasImage { used.insert(.vision) }
        return used
    }

    /// Rough prompt-token estimate from text: one token per four UTF-8 bytes, at least one.
    public static func estimateTokens(_ text: String) -> Int64 { estimateTokens(utf8Count: text.utf8.count) }

    /// ``estimateTokens(_:)`` of a text of `utf8Count` bytes.
    public static func estimateTokens(utf8Count: Int) -> Int64 { Int64(utf8Count / 4 + 1) }
}

/// An offer the router set aside, and why (shown when nothing matches).
public struct Exclusion: Sendable, Hashable {
    /// The offer.
    public var offer: Offer
    /// Why it was set aside.
    public var reason: String
}

/// The router's answer: candidates in the order to try them, and the near misses.
public struct RoutePlan: Sendable, Hashable {
    /// Offers to try, best first.
    public var candidates: [Offer]
    /// Offers for the same model that did not fit, with the reason.
    public var excluded: [Exclusion]
    /// The reference rates the plan compared prices with, which also convert the cost
    /// of the answer to USD; `nil` when none are stored.
    public var rates: ExchangeRates?

    /// A plan.
    public init(candidates: [Offer], excluded: [Exclusion] = [], rates: ExchangeRates? = nil) {
        self.candidates = candidates
        self.excluded = excluded
        self.rates = rates
    }
}
