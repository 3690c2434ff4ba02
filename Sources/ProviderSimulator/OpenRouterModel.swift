/// A model in OpenRouter's catalog (`GET /api/v1/models`).
public struct OpenRouterModel: Sendable {
    /// `author/slug`.
    public var id: String
    /// The listing's name, as the real API sends it.
    public var name: String
    /// The listing's created, as the real API sends it.
    public var created: Int
    /// The listing's description, as the real API sends it.
    public var description: String
    /// The listing's context length, as the real API sends it.
    public var contextLength: Int?
    /// `architecture.modality`, e.g. `text->text`.
    public var modality: String
    /// The listing's input modalities, as the real API sends it.
    public var inputModalities: [String]
    /// The listing's output modalities, as the real API sends it.
    public var outputModalities: [String]
    /// The listing's tokenizer, as the real API sends it.
    public var tokenizer: String
    /// `pricing` members in order, values as decimal strings in USD per token (`"0"` free, `"-1"` variable).
    public var pricing: [(name: String, value: String)]
    /// The listing's top provider context length, as the real API sends it.
    public var topProviderContextLength: Int?
    /// The listing's max completion tokens, as the real API sends it.
    public var maxCompletionTokens: Int?
    /// The listing's is moderated, as the real API sends it.
    public var isModerated: Bool
    /// The listing's supported parameters, as the real API sends it.
    public var supportedParameters: [String]
    /// The per-provider endpoints (`GET /api/v1/models/{author}/{slug}/endpoints`).
    public var endpoints: [OpenRouterEndpoint]

    /// An OpenRouter model with prompt/completion prices in USD per token.
    public init(
        id: String, name: String? = nil, created: Int = 1_726_000_000, description: String = "",
        contextLength: Int? = 131_072, prompt: String, completion: String,
        extraPricing: [(name: String, value: String)] = [
            ("request", "0"), ("image", "0"), ("web_search", "0"), ("internal_reasoning", "0"),
        ],
        modality: String = "text->text", inputModalities: [String] = ["text"], outputModalities: [String] = ["text"],
        tokenizer: String = "Llama3", maxCompletionTokens: Int? = 16_384, isModerated: Bool = false,
        supportedParameters: [String] = [
            "max_tokens", "temperature", "top_p", "tools", "tool_choice", "response_format",
        ],
        endpoints: [OpenRouterEndpoint] = []
    ) {
        self.id = id
        self.name = name ?? id
        self.created = created
        self.description = description
        self.contextLength = contextLength
        self.modality = modality
        self.inputModalities = inputModalities
        self.outputModalities = outputModalities
        self.tokenizer = tokenizer
        self.pricing = [("prompt", prompt), ("completion", completion)] + extraPricing
        self.topProviderContextLength = contextLength
        self.maxCompletionTokens = maxCompletionTokens
        self.isModerated = isModerated
        self.supportedParameters = supportedParameters
        self.endpoints = endpoints
    }
}

/// One provider endpoint of an ``OpenRouterModel``.
public struct OpenRouterEndpoint: Sendable {
    /// The listing's provider name, as the real API sends it.
    public var providerName: String
    /// The listing's tag, as the real API sends it.
    public var tag: String
    /// The listing's context length, as the real API sends it.
    public var contextLength: Int?
    /// `pricing` members, decimal strings in USD per token.
    public var pricing: [(name: String, value: String)]
    /// The listing's quantization, as the real API sends it.
    public var quantization: String?
    /// 0 = ok; negative = degraded/down.
    public var status: Int
    /// The listing's uptime last30m, as the real API sends it.
    public var uptimeLast30m: String?

    /// An endpoint.
    public init(
        providerName: String, tag: String? = nil, contextLength: Int? = 131_072, prompt: String, completion: String,
        quantization: String? = "fp8", status: Int = 0, uptimeLast30m: String? = "99.5"
    ) {
        self.providerName = providerName
        // OpenRouter's tags are provider slugs, optionally with a variant: `deepinfra/fp8`.
        self.tag = tag ?? providerName.lowercased().replacingOccurrences(of: " ", with: "-")
        self.contextLength = contextLength
        self.pricing = [("prompt", prompt), ("completion", completion), ("request", "0"), ("image", "0")]
        self.quantization = quantization
        self.status = status
        self.uptimeLast30m = uptimeLast30m
    }
}
