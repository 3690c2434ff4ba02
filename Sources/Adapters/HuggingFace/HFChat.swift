import ProviderInterface

/// Chat through the router's OpenAI-compatible `/v1/chat/completions`, with the model pinned
/// to a serving provider (`org/name:scaleway`) or left to a router policy (`:cheapest`).
enum HFChat {
    /// The router policies that may follow the model as a suffix.
    static let policies: Set<String> = ["cheapest", "fastest", "preferred"]

    /// The `model` field: `org/name:served_by` when pinned, else `org/name:policy` for a known
    /// aggregator policy, else `org/name` (the router's default, `:fastest`).
    static func modelField(_ request: InferenceRequest) -> String {
        if let servedBy = request.servedBy, !servedBy.isEmpty {
            return baseModel(request.model) + ":" + servedBy
        }
        if let policy = request.aggregatorPolicy?.lowercased(), policies.contains(policy) {
            return baseModel(request.model) + ":" + policy
        }
        return request.model
    }

    /// `POST {router}/v1/chat/completions`.
    static func makeRequest(
        routerURL: String, request: InferenceRequest, stream: Bool, headers: [HTTPHeader], timeouts: HTTPTimeouts
    ) -> HTTPRequest {
        OpenAIChat.makeRequest(
            baseURL: routerURL, path: "/v1/chat/completions", model: modelField(request), request: request,
            stream: stream, headers: headers, timeouts: timeouts)
    }

    /// Parses a whole chat answer; the serving provider is the pinned one, else the router's
    /// `x-inference-provider` header when present.
    static func parse(
        _ response: HTTPResponse, request: InferenceRequest, provider: String?, redactor: Redactor
    ) throws(ProviderError) -> InferenceResponse {
        if let error = HFErrorMapping.check(response, provider: provider, redactor: redactor) { throw error }
        var answer = try OpenAIChat.parseResponse(response, provider: provider, redactor: redactor)
        answer.servedBy = request.servedBy ?? response.header("x-inference-provider") ?? answer.servedBy
        answer.httpStatus = response.status
        return answer
    }

    /// The model id without a `:suffix`.
    static func baseModel(_ model: String) -> String {
        guard let colon = model.utf8.lastIndex(of: UInt8(ascii: ":")) else { return model }
        return String(model[..<colon])
    }
}
