import ProviderInterface

/// OpenRouter (<https://openrouter.ai/docs>): an aggregator with an OpenAI-compatible API.
///
/// `listModels()` reads `{base}/models` (no credential needed) with exact per-token prices;
/// each listing is served by `openrouter` (OpenRouter picks the upstream). With the option
/// `"endpoints": true` it also reads each model's `{base}/models/{id}/endpoints`, and lists
/// every upstream that is up as its own offer, with that upstream's price and context
/// (`served_by` `deepinfra`, `together`, …). Chat goes to `{base}/chat/completions`; when the
/// broker pins an upstream (`request.servedBy`), it is passed as OpenRouter's provider
/// preferences `{"order":[upstream],"allow_fallbacks":false}` so no other upstream answers.
public struct OpenRouterAdapter: ProviderInterface, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let client: OpenAIStyleClient
    let recent = RecentCatalog()
    /// Whether each model's upstream endpoints are read too (option `endpoints`).
    let readsEndpoints: Bool

    /// The most list pages followed through `links.next`.
    static let maxPages = 100
    /// Endpoint lists fetched at once.
    static let endpointConcurrency = 8

    /// The adapter kind `openrouter`.
    public static let kind = AdapterKind(
        name: "openrouter", validate: OpenRouterAdapter.validate, building: OpenRouterAdapter.self)

    /// Builds the adapter; throws `.badInput` when the entry's options are invalid.
    public init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError) {
        try AdapterIssue.refuseFirst(Self.validate(entry), entry: entry)
        self.key = entry.key
        self.entry = entry
        self.client = OpenAIStyleClient(entry: entry, context: context, chatPath: "/chat/completions")
        self.readsEndpoints = entry.options["endpoints"]?.boolValue ?? false
    }

    /// OpenRouter takes one option, `endpoints` (a boolean); any other is reported (most likely
    /// a misplaced one).
    static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        var issues = AdapterIssue.unknownOptions(entry, kind: "openrouter", known: ["endpoints"])
        if let endpoints = entry.options["endpoints"], endpoints.boolValue == nil {
            issues.append(AdapterIssue(path: "options.endpoints", message: "must be true or false"))
        }
        return issues
    }

    /// The models the provider lists, as offers to price.
    public func listModels() async throws(ProviderError) -> ModelCatalog {
        let parser = OpenRouterCatalog(entry: entry)
        var url = EndpointURL.join(entry.baseURL, "/models")
        var visited: Set<String> = [url]
        var result = ModelCatalog(models: [], skipped: [:], requests: 0)
        var seen: Set<String> = []
        while true {
            let body = try await client.getJSON(url)
            let page = try parser.parse(body)
            result.requests += 1
            result.skipped.merge(page.skipped, uniquingKeysWith: +)
            for model in page.models where seen.insert(model.id).inserted { result.models.append(model) }
            guard let next = OpenRouterCatalog.nextPage(body, origin: entry.baseURL), !page.models.isEmpty,
                visited.insert(next).inserted
            else { break }
            guard result.requests < Self.maxPages else {
                throw ProviderError(
                    .malformedResponse, provider: key, message: "model list has more than \(Self.maxPages) pages")
            }
            url = next
        }
        if readsEndpoints { result = await withEndpoints(result, parser: parser) }
        recent.remember(result)
        return result
    }

    /// `catalog` plus a listing per upstream endpoint of each model, read a few models at a
    /// time. A model whose endpoints cannot be read keeps its OpenRouter listing and is
    /// counted in `skipped`; so is an endpoint that is down.
    func withEndpoints(_ catalog: ModelCatalog, parser: OpenRouterCatalog) async -> ModelCatalog {
        var result = catalog
        let models = catalog.models
        let client = self.client
        let base = entry.baseURL
        await withTaskGroup(of: (Int, Result<([ModelListing], [String: Int]), ProviderError>).self) { group in
            var next = 0
            func start() {
                guard next < models.count else { return }
                let index = next
                let model = models[index]
                next += 1
                group.addTask {
                    let url = EndpointURL.join(base, "/models/\(model.id)/endpoints")
                    do throws(ProviderError) {
                        return (index, .success(try parser.parseEndpoints(try await client.getJSON(url), of: model)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<Self.endpointConcurrency { start() }
            var found: [(Int, [ModelListing])] = []
            for await (index, outcome) in group {
                result.requests += 1
                switch outcome {
                case .success(let (listings, skipped)):
                    found.append((index, listings))
                    result.skipped.merge(skipped, uniquingKeysWith: +)
                case .failure:
                    result.skipped["upstream endpoints unavailable", default: 0] += 1
                }
                start()
            }
            // In the order of the models, whatever order the answers came in.
            for (_, listings) in found.sorted(by: { $0.0 < $1.0 }) { result.models += listings }
        }
        return result
    }

    /// The prices of the listed models: from the catalog `listModels()` just fetched when
    /// it is recent (a refresh calls both), else from a new listing.
    public func getPricing() async throws(ProviderError) -> [PriceQuote] {
        if let listed = recent.take() { return OpenAICompatibleCatalog.quotes(listed) }
        return OpenAICompatibleCatalog.quotes(try await listModels())
    }

    /// Runs one request and returns the whole answer.
    public func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        var response = try await client.chat(request, extraBody: Self.extraBody(request, key: key))
        response.servedBy = Self.servedBy(request: request, reported: response.servedBy, key: key)
        return response
    }

    /// Runs one request and returns its answer as it comes.
    public func streamInference(_ request: InferenceRequest) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        try await client.streamChat(request, extraBody: Self.extraBody(request, key: key))
    }

    /// OpenRouter's `provider` preferences for a request: the pinned upstream with no
    /// fallback, else a sort order for the aggregator policy (`cheapest` → price,
    /// `fastest` → throughput), else nothing.
    static func extraBody(_ request: InferenceRequest, key: String) -> JSONObject {
        if let upstream = pinnedUpstream(request, key: key) {
            let provider: JSONValue = ["order": [.string(upstream)], "allow_fallbacks": false]
            return JSONObject([("provider", provider)])
        }
        let sort: String? =
            switch request.aggregatorPolicy {
            case "cheapest": "price"
            case "fastest": "throughput"
            default: nil
            }
        guard let sort else { return JSONObject() }
        return JSONObject([("provider", ["sort": .string(sort)])])
    }

    /// The upstream a request pins, if any: `servedBy` unless it names OpenRouter itself.
    static func pinnedUpstream(_ request: InferenceRequest, key: String) -> String? {
        guard let upstream = request.servedBy, !upstream.isEmpty, upstream != OpenRouterCatalog.servedBy,
            upstream != key
        else { return nil }
        return upstream
    }

    /// Who served an answer: the pinned upstream, else the one OpenRouter names
    /// (`"Together"` → `together`), else `openrouter`.
    static func servedBy(request: InferenceRequest, reported: String?, key: String) -> String {
        if let pinned = pinnedUpstream(request, key: key) { return pinned }
        guard let reported, !reported.isEmpty else { return OpenRouterCatalog.servedBy }
        return OpenRouterCatalog.upstreamKey(reported)
    }
}
