import ProviderInterface

/// A provider that speaks OpenAI's protocol (`GET /models`, `POST /chat/completions`),
/// configured entirely by its registry entry: Together, DeepInfra, Groq, Mistral,
/// Fireworks, Cerebras, Novita, local Ollama/vLLM/llama.cpp servers, … — one adapter, many
/// registry rows.
///
/// Prices come from the model list's fields named in the options (in `pricing.unit`), from
/// the entry's static table (which overrides the list), or — for a local server with
/// pricing source `none` — are free. With `catalog: table` the table is the catalog and no
/// request is made. See ``OpenAICompatibleOptions`` for the options.
public struct OpenAICompatibleAdapter: ProviderInterface {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let options: OpenAICompatibleOptions
    let client: OpenAIStyleClient
    let recent = RecentCatalog()

    /// The adapter kind `openai-compatible`.
    public static let kind = AdapterKind(
        name: "openai-compatible", validate: OpenAICompatibleOptions.validate,
        make: { entry, context throws(ProviderError) in try OpenAICompatibleAdapter(entry: entry, context: context) })

    /// Builds the adapter; throws `.badInput` when the entry's options are invalid.
    public init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError) {
        let issues = OpenAICompatibleOptions.validate(entry)
        if let first = issues.first {
            throw ProviderError(.badInput, provider: entry.key, message: "\(first.path): \(first.message)")
        }
        self.key = entry.key
        self.entry = entry
        self.options = OpenAICompatibleOptions(entry.options)
        self.client = OpenAIStyleClient(
            entry: entry, context: context, chatPath: options.chatPath, authHeader: options.authHeader,
            authPrefix: options.authPrefix)
    }

    /// The URL of the model list.
    var modelsURL: String { EndpointURL.join(entry.baseURL, options.modelsPath) }

    public func listModels() async throws(ProviderError) -> ModelCatalog {
        let catalog = OpenAICompatibleCatalog(entry: entry, options: options)
        if entry.pricing.catalogIsTable { return catalog.tableCatalog() }
        let listed = try catalog.parse(await client.getJSON(modelsURL))
        recent.remember(listed)
        return listed
    }

    /// The prices of the listed models: from the catalog `listModels()` just fetched when
    /// it is recent (a refresh calls both), else from a new listing.
    public func getPricing() async throws(ProviderError) -> [PriceQuote] {
        if let listed = recent.take() { return OpenAICompatibleCatalog.quotes(listed) }
        return OpenAICompatibleCatalog.quotes(try await listModels())
    }

    /// A direct provider serves its own offers: a `provider` member in its answer (the field
    /// OpenRouter uses to name an upstream) says nothing about who served, so it is dropped.
    public func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        if request.task == .featureExtraction { return try await client.embeddings(request) }
        var response = try await client.chat(request)
        response.servedBy = nil
        return response
    }

    public func streamInference(_ request: InferenceRequest) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        try await client.streamChat(request)
    }
}
