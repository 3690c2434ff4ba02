import Broker
import Platform
import ProviderInterface

/// Wraps a provider so each inference reports its offer and upstream time to the request's
/// ``RequestTrace``; catalog calls pass straight through.
struct TracingProvider: ProviderInterface {
    let base: any ProviderInterface

    var key: String { base.key }

    func listModels() async throws(ProviderError) -> ModelCatalog { try await base.listModels() }

    func getPricing() async throws(ProviderError) -> [PriceQuote] { try await base.getPricing() }

    var catalogKind: CatalogKind { base.catalogKind }

    func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog {
        try await base.listComputeOffers(request)
    }

    func referenceRates() async throws(ProviderError) -> ExchangeRates { try await base.referenceRates() }

    func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        let trace = RequestTrace.current
        trace?.attemptStarted(OfferKey(provider: key, servedBy: request.servedBy ?? key, model: request.model))
        let started = MonotonicTime.nanoseconds()
        defer { trace?.addUpstream(MonotonicTime.nanoseconds() &- started) }
        do {
            return try await base.runInference(request)
        } catch {
            trace?.failed(error)
            throw error
        }
    }

    func streamInference(_ request: InferenceRequest) async throws(ProviderError) -> AsyncThrowingStream<
        InferenceEvent, any Error
    > {
        let trace = RequestTrace.current
        trace?.attemptStarted(OfferKey(provider: key, servedBy: request.servedBy ?? key, model: request.model))
        do {
            return try await base.streamInference(request)
        } catch {
            trace?.failed(error)
            throw error
        }
    }
}
