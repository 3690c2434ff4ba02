import ProviderInterface

/// A registry entry that publishes a catalog but runs no models (GPU compute sources, the
/// exchange-rate source): the model operations answer `unsupported`.
protocol CatalogOnlySource: ProviderInterface {}

extension CatalogOnlySource {
    /// Refused with `unsupported`: a compute or rates source lists no models.
    public func listModels() async throws(ProviderError) -> ModelCatalog {
        throw ProviderError(.unsupported, provider: key, message: "this source lists no models")
    }

    /// Refused with `unsupported`: a compute or rates source prices no models.
    public func getPricing() async throws(ProviderError) -> [PriceQuote] {
        throw ProviderError(.unsupported, provider: key, message: "this source prices no models")
    }

    /// Refused with `unsupported`: a compute or rates source runs no requests.
    public func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        throw ProviderError(.unsupported, provider: key, message: "this source runs no models")
    }
}
