/// One model a provider serves, as `listModels()` reports it.
public struct ModelListing: Sendable, Hashable {
    /// The id the provider expects in requests.
    public var id: String
    /// The canonical Hugging Face id of the same weights, when known.
    public var hfID: String?
    /// Who runs the model, for aggregators (Hugging Face's inference provider, OpenRouter's
    /// upstream); `nil` for the provider itself.
    public var servedBy: String?
    /// The id the serving endpoint uses for the model, when it differs (HF `providerId`).
    public var servedModelID: String?
    /// The task.
    public var task: ModelTask
    /// Maximum context length in tokens, when published.
    public var contextLength: Int?
    /// Input modalities (`text`, `image`, …).
    public var inputModalities: [String]
    /// Output modalities.
    public var outputModalities: [String]
    /// A display name, when the provider publishes one.
    public var name: String?
    /// The price when the listing carries it (OpenAI-compatible lists, OpenRouter).
    public var price: OfferPrice?
    /// What the listing says the model supports (OpenRouter's `supported_parameters` and
    /// `architecture.input_modalities`); a capability it does not mention is unknown.
    public var capabilities: [ModelCapability: Bool] = [:]
    /// ISO country codes where the provider says it processes requests for this model
    /// (an OpenRouter-format feed's `datacenters`); empty when not published.
    public var countries: [String] = []
    /// The day the provider retires the model (`2026-08-16`), when announced.
    public var retiresAt: String? = nil

    /// A listing; optional fields default to unknown.
    public init(
        id: String, hfID: String? = nil, servedBy: String? = nil, servedModelID: String? = nil,
        task: ModelTask, contextLength: Int? = nil, inputModalities: [String] = ["text"],
        outputModalities: [String] = ["text"], name: String? = nil, price: OfferPrice? = nil
    ) {
        self.id = id
        self.hfID = hfID
        self.servedBy = servedBy
        self.servedModelID = servedModelID
        self.task = task
        self.contextLength = contextLength
        self.inputModalities = inputModalities
        self.outputModalities = outputModalities
        self.name = name
        self.price = price
    }
}

/// The result of `listModels()`: the models, and what was skipped and why.
public struct ModelCatalog: Sendable, Hashable {
    /// Every usable model.
    public var models: [ModelListing]
    /// Entries passed over, counted by reason (`"mapping status staging"`, `"unknown provider x"`).
    public var skipped: [String: Int]
    /// Pages or requests it took, for the refresh report.
    public var requests: Int

    /// A catalog.
    public init(models: [ModelListing], skipped: [String: Int] = [:], requests: Int = 1) {
        self.models = models
        self.skipped = skipped
        self.requests = requests
    }
}

/// One price as `getPricing()` reports it, for a model and (for aggregators) a serving endpoint.
public struct PriceQuote: Sendable, Hashable {
    /// The provider-side model id.
    public var model: String
    /// The serving endpoint, for aggregators; `nil` for the provider itself.
    public var servedBy: String?
    /// The price.
    public var price: OfferPrice
    /// Context length in tokens, when this source publishes it.
    public var contextLength: Int?
    /// Whether tool calls are supported, when published.
    public var supportsTools: Bool?
    /// Whether structured output is supported, when published.
    public var supportsStructuredOutput: Bool?
    /// Whether image input is supported, when published.
    public var supportsImages: Bool?
    /// The provider's own time-to-first-token figure, in milliseconds.
    public var firstTokenLatencyMs: Int?
    /// The provider's own throughput figure, output tokens per second.
    public var throughputTokensPerSecond: Int?

    /// A quote.
    public init(
        model: String, servedBy: String? = nil, price: OfferPrice, contextLength: Int? = nil,
        supportsTools: Bool? = nil, supportsStructuredOutput: Bool? = nil, firstTokenLatencyMs: Int? = nil,
        throughputTokensPerSecond: Int? = nil
    ) {
        self.model = model
        self.servedBy = servedBy
        self.price = price
        self.contextLength = contextLength
        self.supportsTools = supportsTools
        self.supportsStructuredOutput = supportsStructuredOutput
        self.firstTokenLatencyMs = firstTokenLatencyMs
        self.throughputTokensPerSecond = throughputTokensPerSecond
    }
}
