import ProviderInterface

/// Hugging Face: the Hub lists every model with a live inference-provider mapping, the
/// router's catalog prices chat offers per serving provider, chat runs through the
/// router's OpenAI-compatible endpoint pinned to a provider, and the classic NLP tasks run
/// through hf-inference (billed by compute time).
///
/// The token is read from `environment[entry.authEnv ?? "HF_TOKEN"]` and sent as
/// `Authorization: Bearer …` only to the Hub and router hosts; it never appears in an error.
public struct HuggingFaceAdapter: ProviderInterface, EntryAdapter {
    /// The inference provider that runs the classic tasks.
    public static let hfInference = "hf-inference"

    /// The registry kind `huggingface`.
    public static let kind = AdapterKind(
        name: "huggingface", validate: { HuggingFaceOptions.validate($0) }, building: HuggingFaceAdapter.self)

    /// The registry key of the entry this adapter serves.
    public let key: String
    /// The settings read from the entry.
    public let options: HuggingFaceOptions
    let entry: ProviderEntry
    let transport: any HTTPTransport
    let token: String?
    let tokenVariable: String
    let redactor: Redactor
    let memory = HFListingMemory()
    /// The longest wait for a Hub rate-limit reset before retrying, in milliseconds.
    public var maxRateLimitWaitMs = 60_000
    /// How many rate-limited answers in a row one listing page may get before giving up.
    public var maxRateLimitRetries = 5

    /// An adapter for a registry entry.
    public init(entry: ProviderEntry, context: AdapterContext) {
        self.key = entry.key
        self.entry = entry
        self.options = HuggingFaceOptions(entry: entry)
        self.transport = context.transport
        self.tokenVariable = entry.authEnv ?? "HF_TOKEN"
        let token = context.environment[tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        self.token = token
        self.redactor = Redactor(secrets: token.map { [$0] } ?? [])
    }

    /// Every live mapping of every listed model, across all Hub pages. The next page (named
    /// by the `Link` header) is fetched while the current one is parsed.
    public func listModels() async throws(ProviderError) -> ModelCatalog {
        var builder = HubCatalogBuilder(
            tags: options.pipelineTags, knownProviders: Set(entry.servedByRegions.keys), computePrice: computePrice)
        let first = HubListing.firstPageURL(options)
        var visited: Set<String> = [first]
        var pageNumber = 1
        var requests = 0
        var fetched = await fetchPage(first, number: 1)
        while true {
            let current = try fetched.get()
            requests += current.requests
            var prefetch: Task<Result<FetchedPage, ProviderError>, Never>?
            if let next = HubListing.nextURL(current.response, hubURL: options.hubURL) {
                guard visited.insert(next).inserted else {
                    throw ProviderError(
                        .malformedResponse, provider: key,
                        message: "Hub model listing page \(pageNumber) links back to an earlier page")
                }
                let number = pageNumber + 1
                prefetch = Task { await self.fetchPage(next, number: number) }
            }
            do {
                let page = try HubListing.parsePage(
                    current.response, number: pageNumber, hubURL: options.hubURL, provider: key)
                builder.add(page.models)
            } catch {
                prefetch?.cancel()
                throw error
            }
            guard let prefetch else { break }
            fetched = await withTaskCancellationHandler {
                await prefetch.value
            } onCancel: {
                prefetch.cancel()
            }
            pageNumber += 1
        }
        memory.remember(builder.models.filter { !$0.task.isChat }.map(\.id))
        return ModelCatalog(models: builder.models, skipped: builder.skipped, requests: requests)
    }

    /// The Hub listing and the router's price catalog at once: they are independent sources
    /// (hf-inference offers carry their compute-time price on the listing itself).
    public func listModelsAndPricing() async throws(ProviderError) -> (ModelCatalog, [PriceQuote]) {
        let pricing = Task { () async -> Result<[PriceQuote], ProviderError> in
            do throws(ProviderError) {
                return .success(try await self.getPricing())
            } catch {
                return .failure(error)
            }
        }
        let catalog: ModelCatalog
        do throws(ProviderError) {
            catalog = try await listModels()
        } catch {
            pricing.cancel()
            throw error
        }
        let quotes = try await withTaskCancellationHandler {
            await pricing.value
        } onCancel: {
            pricing.cancel()
        }.get()
        return (catalog, quotes)
    }

    /// Chat prices per model and serving provider from the router catalog, plus the
    /// compute-time offers of the hf-inference models seen by the last `listModels()`.
    public func getPricing() async throws(ProviderError) -> [PriceQuote] {
        let computeQuotes = memory.computeModels.map {
            PriceQuote(model: $0, servedBy: Self.hfInference, price: computePrice($0))
        }
        switch entry.pricing.source {
        case .none: return computeQuotes
        case .static:
            return entry.pricing.table.map {
                PriceQuote(model: $0.model, price: $0.price, contextLength: $0.contextLength)
            }
        case .api: break
        }
        let request = RouterCatalog.makeRequest(routerURL: options.routerURL, timeouts: timeouts)
        let response = try await send(request)
        if let error = HFErrorMapping.check(response, provider: key, redactor: redactor) { throw error }
        let rules = RouterCatalog.Rules(
            unit: entry.pricing.unit, zeroIsFree: entry.pricing.zeroIsFree,
            knownProviders: Set(entry.servedByRegions.keys))
        return try RouterCatalog.parse(response, rules: rules, provider: key) + computeQuotes
    }

    /// Runs chat through the router, other tasks through hf-inference.
    public func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        let headers = try inferenceHeaders()
        if request.task.isChat {
            let http = HFChat.makeRequest(
                routerURL: options.routerURL, request: request, stream: false, headers: headers, timeouts: timeouts)
            return try HFChat.parse(try await send(http), request: request, provider: key, redactor: redactor)
        }
        if let servedBy = request.servedBy, servedBy != Self.hfInference {
            throw ProviderError(
                .unsupported, provider: key,
                message: "task \(request.task) runs only through \(Self.hfInference), not \(servedBy)")
        }
        let http = try HFTaskInference.makeRequest(
            routerURL: options.routerURL, request: request, headers: headers, timeouts: timeouts, provider: key)
        let inputIsList = request.input?.arrayValue != nil
        let response = try await send(http)
        var answer = try HFTaskResponseParser.parse(
            response, task: request.task, provider: key, redactor: redactor, inputIsList: inputIsList)
        answer.httpStatus = response.status
        return answer
    }

    /// Streams chat from the router (SSE); other tasks answer whole, as one event.
    public func streamInference(_ request: InferenceRequest) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        guard request.task.isChat else {
            let response = try await runInference(request)
            return AsyncThrowingStream { continuation in
                if case .text(let text) = response.output { continuation.yield(.delta(text)) }
                continuation.yield(.finished(reason: response.finishReason))
                continuation.finish()
            }
        }
        let http = HFChat.makeRequest(
            routerURL: options.routerURL, request: request, stream: true, headers: try inferenceHeaders(),
            timeouts: timeouts)
        let response: HTTPStreamingResponse
        do {
            response = try await transport.stream(http)
        } catch {
            var mapped = error.providerError(provider: key)
            mapped.message = redactor.redact(mapped.message)
            throw mapped
        }
        return try await OpenAIChat.events(from: response, provider: key, redactor: redactor)
    }
}
