/// A model on the Hugging Face Hub, as `GET /api/models` lists it.
public struct HubModel: Sendable {
    /// The repository id, `org/name`.
    public var id: String
    /// The Hub's internal object id (`_id`); derived from `id` when `nil`.
    public var objectID: String?
    /// The pipeline tag (`text-generation`, `summarization`, …), if any.
    public var pipelineTag: String?
    /// The inference providers serving the model (a list in listings, a dict in single-model info).
    public var mappings: [ProviderMapping]
    /// `downloads` (only with `expand[]=downloads`).
    public var downloads: Int
    /// `likes` (only with `expand[]=likes`).
    public var likes: Int
    /// `tags` (only with `expand[]=tags`).
    public var tags: [String]
    /// `gated`: `false`, `"auto"` or `"manual"` (only with `expand[]=gated`).
    public var gated: String?
    /// `library_name` (only with `expand[]=library_name`).
    public var libraryName: String?
    /// The parameter count, `safetensors.total` (only with `expand[]=safetensors`); `nil` when
    /// the repository has no safetensors weights.
    public var parameters: Int64? = nil

    /// A Hub model.
    public init(
        id: String, pipelineTag: String? = "text-generation", mappings: [ProviderMapping] = [], objectID: String? = nil,
        downloads: Int = 0, likes: Int = 0, tags: [String] = [], gated: String? = nil, libraryName: String? = nil
    ) {
        self.id = id
        self.objectID = objectID
        self.pipelineTag = pipelineTag
        self.mappings = mappings
        self.downloads = downloads
        self.likes = likes
        self.tags = tags
        self.gated = gated
        self.libraryName = libraryName
    }

    /// Whether one of the mappings is for `provider`.
    public func isServed(by provider: String) -> Bool { mappings.contains { $0.provider == provider } }
}

/// One entry of a model's `inferenceProviderMapping`.
public struct ProviderMapping: Sendable, Hashable {
    /// The router's provider name (`together`, `hf-inference`, …).
    public var provider: String
    /// The provider-side model id.
    public var providerId: String
    /// `live`, `staging` or `error`.
    public var status: String
    /// The task served (`conversational`, `summarization`, …).
    public var task: String
    /// Optional LoRA adapter fields, as the Hub sends them for adapter mappings.
    public var adapter: String?
    /// A LoRA adapter's weights file, listed among the siblings (none when nil).
    public var adapterWeightsPath: String?
    /// Optional mapping type (`single-model`, `tag-filter`).
    public var type: String?

    /// A mapping.
    public init(
        provider: String, providerId: String, status: String = "live", task: String = "conversational",
        adapter: String? = nil, adapterWeightsPath: String? = nil, type: String? = nil
    ) {
        self.provider = provider
        self.providerId = providerId
        self.status = status
        self.task = task
        self.adapter = adapter
        self.adapterWeightsPath = adapterWeightsPath
        self.type = type
    }
}
