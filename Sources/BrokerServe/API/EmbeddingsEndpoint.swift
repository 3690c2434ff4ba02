import Broker
import HTTPServer
import Platform
import ProviderInterface

/// `POST /v1/embeddings`: routed like chat over `feature-extraction` offers (OpenAI-compatible
/// providers' `/embeddings`, Hugging Face's feature-extraction), billed per input token.
/// `input` is a string or an array of strings; `encoding_format`, `dimensions`, `user` and any
/// other member go upstream as sent. A provider's OpenAI answer passes through (with `model`
/// rewritten); Hugging Face's nested floats become OpenAI's list. With `encoding_format:
/// base64` the vectors are base64 float32, as OpenAI sends them, whoever computed them.
struct EmbeddingsEndpoint: Sendable {
    let context: ServeContext

    func handle(_ request: ServerRequest, key: APIKey?) async throws(APIError) -> ServerResponse {
        let started = MonotonicTime.nanoseconds()
        let object = try JSONResponse.object(request.body)
        var wire = OpenAIEmbeddingRequest(parsing: .object(object)) ?? OpenAIEmbeddingRequest()
        guard let model = wire.model, !model.isEmpty else {
            throw APIError.badRequest("'model' is required (an embedding model id or alias)", param: "model")
        }
        guard let input = wire.input, let texts = wire.texts else {
            throw APIError.badRequest("'input' must be a string or a non-empty array of strings", param: "input")
        }
        let format = wire.encodingFormat ?? "float"
        guard format == "float" || format == "base64", (wire.parameters["encoding_format"] ?? .null).isNull else {
            throw APIError.badRequest("'encoding_format' must be float or base64", param: "encoding_format")
        }
        let brokerOptions = wire.parameters["broker"]
        wire.parameters["broker"] = nil
        // `encoding_format` goes upstream as sent (a provider may answer base64 itself).
        var parameters = wire.parameters
        if let encodingFormat = wire.encodingFormat { parameters["encoding_format"] = .string(encodingFormat) }
        let inference = InferenceRequest(model: model, task: .featureExtraction, input: input, parameters: parameters)
        var route = RouteRequest(model: model, task: .featureExtraction)
        try RoutingOptions.apply(brokerOptions, to: &route, registry: context.registry)
        route.estimatedInputTokens = texts.reduce(0) { $0 + RouteRequest.estimateTokens(utf8Count: $1.utf8.count) }
        route.estimatedOutputTokens = 0
        let routed = RoutedRun(context: context, key: key, route: "embeddings")
        let plan = try await routed.plan(
            selectors: ModelSelector.readings(model, registry: context.registry), route: route, requested: model
        ).get()
        let result = try await routed.run(
            inference, plan: plan, requestID: RoutedRun.requestID(), startedNanos: started
        ).get()
        guard case .json(let value) = result.response.output,
            var list = OpenAIEmbeddingList(parsing: value) ?? OpenAIEmbeddingList(featureExtraction: value)
        else {
            throw APIError.internalError("the provider's answer is not a list of embeddings")
        }
        list.model = ChatCompletionJSON.modelName(result.offer)
        if list.usage == nil, let usage = result.response.usage {
            list.usage = OpenAIUsage(promptTokens: usage.inputTokens, totalTokens: usage.inputTokens)
        }
        if format == "base64" { list = list.base64Encoded }
        return ChatCompletionJSON.answer(result, capacity: 1024) { list.write(to: &$0, members: $1) }
    }
}
