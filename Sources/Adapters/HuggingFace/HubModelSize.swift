import ProviderInterface

/// A model's parameter count from the Hugging Face Hub's safetensors metadata:
/// `GET {hub}/api/models/{id}?expand[]=safetensors` → `safetensors.total` (public; no credential).
public enum HubModelSize {
    /// The request for `model` on the Hub at `hubURL`.
    public static func makeRequest(hubURL: String, model: String) -> HTTPRequest {
        HTTPRequest(
            method: "GET", url: EndpointURL.join(hubURL, "/api/models/\(model)") + "?expand%5B%5D=safetensors",
            headers: [HTTPHeader("Accept", "application/json")], timeouts: HTTPTimeouts(totalMs: 30_000))
    }

    /// The parameter count in an answer; `nil` when the repository publishes no safetensors
    /// metadata (then the caller must be told the count).
    public static func parse(_ response: HTTPResponse, model: String) throws(ProviderError) -> Int64? {
        if let error = ProviderErrorMapping.check(response, provider: "huggingface") {
            throw ProviderError(
                error.code, provider: "huggingface", status: error.status, message: "model \(model): \(error.message)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(response.body)
        } catch {
            throw ProviderError(
                .malformedResponse, provider: "huggingface", status: response.status,
                message: "model info is not JSON: \(error)")
        }
        guard let total = document["safetensors"]?["total"]?.intValue, total > 0 else { return nil }
        return Int64(total)
    }

    /// Fetches the parameter count of `model`.
    public static func parameters(hubURL: String, model: String, transport: any HTTPTransport)
        async throws(ProviderError) -> Int64?
    {
        let response: HTTPResponse
        do {
            response = try await transport.send(makeRequest(hubURL: hubURL, model: model))
        } catch {
            throw error.providerError(provider: "huggingface")
        }
        return try parse(response, model: model)
    }
}
