/// A source of model offers that can also run inference: one per registry entry.
///
/// Implementation requirements:
/// - Every method is safe to call concurrently and takes and returns `Sendable` values.
/// - Prices are returned in the integer pico-USD unit (``PicoUSD``) after an exact
///   conversion from the unit the provider publishes (``PriceUnit``); a price that is not
///   published, or a sentinel such as `"-1"`, is ``PriceValue/unknown`` — never zero.
/// - Failures are thrown as ``ProviderError`` with the code that names the cause: bad
///   input, auth, out of credits, rate limit (with `retryAfterMs`), not served here,
///   unavailable, provider error (with status), malformed response, transport, timeout.
///   Messages never contain a credential.
/// - `listModels()` returns every model across all pages, or throws: a partial catalog
///   is never returned as if it were complete.
/// - Retrying is the caller's decision (``ProviderError/isRetryable``); an adapter retries
///   on its own only when the protocol tells it to wait (a listing's 429 with a reset time).
/// - `streamInference(_:)` yields text deltas in order and ends with `.finished`; an error
///   that arrives inside a stream is thrown from the stream, never yielded as text.
public protocol ProviderInterface: Sendable {
    /// The registry key of this provider.
    var key: String { get }

    /// Every model this provider serves, with the serving endpoint for aggregators.
    func listModels() async throws(ProviderError) -> ModelCatalog

    /// Current prices per model (and serving endpoint), in pico-USD.
    func getPricing() async throws(ProviderError) -> [PriceQuote]

    /// The catalog and its prices, for a refresh. The default lists, then prices (adapters
    /// whose pricing reuses the listing rely on that order); an adapter whose two sources are
    /// independent may fetch them at once.
    func listModelsAndPricing() async throws(ProviderError) -> (ModelCatalog, [PriceQuote])

    /// Runs one request and returns the whole answer.
    func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse

    /// Runs one chat request and streams the answer.
    func streamInference(_ request: InferenceRequest) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>

    /// What a refresh of this provider yields (default: model offers).
    var catalogKind: CatalogKind { get }

    /// GPU compute offers, for compute sources (default: unsupported). Prices are integer
    /// pico-units of each offer's own currency per hour; GPU memory is per GPU; a location
    /// not positively placed is region `unknown`. Every row of the source, or a throw.
    func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog

    /// Reference exchange rates, for rate sources (default: unsupported).
    func referenceRates() async throws(ProviderError) -> ExchangeRates
}

extension ProviderInterface {
    /// Lists, then prices.
    public func listModelsAndPricing() async throws(ProviderError) -> (ModelCatalog, [PriceQuote]) {
        let catalog = try await listModels()
        return (catalog, try await getPricing())
    }

    /// Default streaming: run the request whole and yield its text as one delta.
    public func streamInference(_ request: InferenceRequest) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        let response = try await runInference(request)
        return AsyncThrowingStream { continuation in
            if case .text(let text) = response.output { continuation.yield(.delta(text)) }
            if let usage = response.usage { continuation.yield(.usage(usage)) }
            continuation.yield(.finished(reason: response.finishReason))
            continuation.finish()
        }
    }
}

/// What a registry entry's refresh yields: model offers (every model provider), GPU compute
/// offers (``ProviderInterface/listComputeOffers(_:)``) or reference exchange rates
/// (``ProviderInterface/referenceRates()``).
public enum CatalogKind: String, Sendable, Hashable {
    case models, compute, exchangeRates = "exchange-rates"
}

extension ProviderInterface {
    /// Model providers need not say: they yield model offers.
    public var catalogKind: CatalogKind { .models }

    /// Only compute sources list compute offers.
    public func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog {
        throw ProviderError(.unsupported, provider: key, message: "this provider publishes no GPU compute offers")
    }

    /// Only rate sources publish exchange rates.
    public func referenceRates() async throws(ProviderError) -> ExchangeRates {
        throw ProviderError(.unsupported, provider: key, message: "this provider publishes no exchange rates")
    }
}
