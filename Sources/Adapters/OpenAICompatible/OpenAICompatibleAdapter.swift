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
public struct OpenAICompatibleAdapter: ProviderInterface, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let options: OpenAICompatibleOptions
    let client: OpenAIStyleClient
    let recent = RecentCatalog()

    /// The adapter kind `openai-compatible`.
    public static let kind = AdapterKind(
        name: "openai-compatible", validate: OpenAICompatibleOptions.validate, building: OpenAICompatibleAdapter.self)

    /// Builds the adapter; throws `.badInput` when the entry's options are invalid.
    public init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError) {
        try AdapterIssue.refuseFirst(OpenAICompatibleOptions.validate(entry), entry: entry)
        self.key = entry.key
        self.entry = entry
        self.options = OpenAICompatibleOptions(entry.options)
        self.client = OpenAIStyleClient(
            entry: entry, context: context, chatPath: options.chatPath, authHeader: options.authHeader,
            authPrefix: options.authPrefix)
    }

    /// The URL of the model list.
    var modelsURL: String { EndpointURL.join(entry.baseURL, options.modelsPath) }

    /// The models the provider lists, as offers to price.
    public func listModels() async throws(ProviderError) -> ModelCatalog {
        let catalog = OpenAICompatibleCatalog(entry: entry, options: options)
        if let feed = options.priceFeed, let url = options.priceFeedURL { return try await feedCatalog(feed, url: url) }
        if entry.pricing.catalogIsTable { return catalog.tableCatalog() }
        let listed = try catalog.parse(await client.getJSON(modelsURL))
        recent.remember(listed)
        return listed
    }

    /// The most pages of a paged feed read.
    static let maxFeedPages = 100

    /// The catalog from the entry's price feed; a paged feed (Scaleway) is read a page of
    /// 100 at a time until a short page. The entry's table rows add Hugging Face ids and
    /// context lengths, and a price only where the feed has none.
    func feedCatalog(_ feed: PriceFeed, url: String) async throws(ProviderError) -> ModelCatalog {
        var catalog = ModelCatalog(models: [], requests: 0)
        let pageSize = 100
        for page in 1...Self.maxFeedPages {
            let pageURL =
                feed.pages ? url + (url.contains("?") ? "&" : "?") + "page=\(page)&page_size=\(pageSize)" : url
            let body = try await client.getJSON(pageURL)
            var parsed = try feed.parse(body, provider: key)
            let count = feed.pages ? body["products"]?.arrayValue?.count ?? 0 : 0
            catalog.requests += 1
            catalog.skipped.merge(parsed.skipped, uniquingKeysWith: +)
            // A model whose SKUs straddle pages: the later page's listing completes it.
            for listing in parsed.models {
                if let i = catalog.models.firstIndex(where: { $0.id == listing.id }) {
                    catalog.models[i] = Self.merged(catalog.models[i], listing)
                } else {
                    catalog.models.append(listing)
                }
            }
            parsed.models = []
            if !feed.pages || count < pageSize { break }
        }
        let reader = PriceReader(entry.pricing)
        for i in catalog.models.indices {
            if let row = reader.override(for: catalog.models[i].id) {
                // For a feed the curated row is the fallback: the live price wins when it has one.
                if (catalog.models[i].price?.state ?? .unknown) == .unknown, row.price.state != .unknown {
                    catalog.models[i].price = row.price
                }
                catalog.models[i].retiresAt = catalog.models[i].retiresAt ?? row.retiresAt
                catalog.models[i].hfID = catalog.models[i].hfID ?? row.hfID
                catalog.models[i].contextLength = catalog.models[i].contextLength ?? row.contextLength
            }
        }
        recent.remember(catalog)
        return catalog
    }

    /// Two listings of one model from different pages: known prices win.
    static func merged(_ a: ModelListing, _ b: ModelListing) -> ModelListing {
        var out = a
        if var price = a.price, let other = b.price, price.currency == other.currency {
            if price.input == .unknown { price.input = other.input }
            if price.output == .unknown { price.output = other.output }
            out.price = price
        }
        out.retiresAt = [a.retiresAt, b.retiresAt].compactMap { $0 }.min()
        return out
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
        if request.responses != nil, options.responses == .native {
            return try await client.responses(request, path: options.responsesPath)
        }
        var response = try await client.chat(request)
        response.servedBy = nil
        return response
    }

    /// Runs one request and returns its answer as it comes.
    public func streamInference(_ request: InferenceRequest) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        if request.responses != nil, options.responses == .native {
            return try await client.streamResponses(request, path: options.responsesPath)
        }
        return try await client.streamChat(request)
    }
}
