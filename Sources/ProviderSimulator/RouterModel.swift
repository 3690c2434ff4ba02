/// A chat model in the Hugging Face router catalog (`GET /v1/models`).
public struct RouterModel: Sendable {
    /// `org/name`.
    public var id: String
    /// Unix seconds.
    public var created: Int
    /// `owned_by`.
    public var ownedBy: String
    /// `architecture.input_modalities`.
    public var inputModalities: [String]
    /// `architecture.output_modalities`.
    public var outputModalities: [String]
    /// The providers serving it.
    public var providers: [RouterProvider]

    /// A router catalog entry; `ownedBy` defaults to the id's organisation.
    public init(
        id: String, created: Int = 1_726_000_000, ownedBy: String? = nil, inputModalities: [String] = ["text"],
        outputModalities: [String] = ["text"], providers: [RouterProvider] = []
    ) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy ?? String(id.split(separator: "/").first ?? Substring(id))
        self.inputModalities = inputModalities
        self.outputModalities = outputModalities
        self.providers = providers
    }
}

/// One provider of a ``RouterModel``. Optional fields are omitted from the JSON when `nil`,
/// as the router omits what it does not know (missing pricing means unknown, not free).
public struct RouterProvider: Sendable, Hashable {
    /// The listing's provider, as the real API sends it.
    public var provider: String
    /// `live` or `error`.
    public var status: String
    /// The listing's context length, as the real API sends it.
    public var contextLength: Int?
    /// USD per million input tokens, as decimal text written as a JSON number (`"0.15"`).
    public var inputPrice: String?
    /// USD per million output tokens, as decimal text written as a JSON number.
    public var outputPrice: String?
    /// The listing's is free, as the real API sends it.
    public var isFree: Bool?
    /// The listing's supports tools, as the real API sends it.
    public var supportsTools: Bool?
    /// The listing's supports structured output, as the real API sends it.
    public var supportsStructuredOutput: Bool?
    /// The listing's first token latency ms, as the real API sends it.
    public var firstTokenLatencyMs: Int?
    /// Output tokens per second, as decimal text written as a JSON number.
    public var throughput: String?
    /// The listing's is model author, as the real API sends it.
    public var isModelAuthor: Bool?

    /// A router provider entry; pass `inputPrice`/`outputPrice` `nil` for "pricing unknown".
    public init(
        provider: String, status: String = "live", contextLength: Int? = 131_072, inputPrice: String? = nil,
        outputPrice: String? = nil, isFree: Bool? = nil, supportsTools: Bool? = true,
        supportsStructuredOutput: Bool? = true, firstTokenLatencyMs: Int? = nil, throughput: String? = nil,
        isModelAuthor: Bool? = false
    ) {
        self.provider = provider
        self.status = status
        self.contextLength = contextLength
        self.inputPrice = inputPrice
        self.outputPrice = outputPrice
        self.isFree = isFree
        self.supportsTools = supportsTools
        self.supportsStructuredOutput = supportsStructuredOutput
        self.firstTokenLatencyMs = firstTokenLatencyMs
        self.throughput = throughput
        self.isModelAuthor = isModelAuthor
    }
}
