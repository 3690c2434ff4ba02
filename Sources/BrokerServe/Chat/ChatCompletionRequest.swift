import Broker
import ProviderInterface

/// A `POST /v1/chat/completions` body (the wire layer's ``OpenAIChatRequest``), read into what
/// the runner and router need.
struct ChatCompletionRequest: Sendable {
    /// The `model` field as sent.
    var requestedModel: String
    /// The readings of the model field, most likely first.
    var selectors: [ModelSelector]
    /// What to send (model and serving endpoint are set per offer by the runner).
    var request: InferenceRequest
    /// The routing constraints (model filled in per reading).
    var route: RouteRequest
    /// Whether the client asked for SSE.
    var stream: Bool
    /// Whether the final streamed chunk carries usage (`stream_options.include_usage`).
    var includeUsage: Bool
    /// The answer-length cap (`max_completion_tokens` or `max_tokens`), checked positive.
    var outputLimit: (parameter: String, tokens: Int64)? = nil

    static func parse(_ body: [UInt8], registry: Registry) throws(APIError) -> ChatCompletionRequest {
        let object = try JSONResponse.object(body)
        return try make(OpenAIChatRequest(parsing: .object(object)) ?? OpenAIChatRequest(), registry: registry)
    }

    /// Reads a parsed request (from `/v1/chat/completions`, or translated from `/v1/responses`).
    /// The `broker` member is the broker's routing options; `model`, `messages`, `stream` and
    /// `stream_options` are the broker's to handle; every other parameter (`n`, `user`, `tools`,
    /// `logprobs`, …) goes upstream as sent.
    static func make(_ wire: OpenAIChatRequest, registry: Registry) throws(APIError) -> ChatCompletionRequest {
        guard let model = wire.model, !model.isEmpty else {
            throw APIError.badRequest(
                "'model' is required (a model id, org/name:provider, or an alias)", param: "model")
        }
        guard let list = wire.messages, !list.isEmpty else {
            throw APIError.badRequest("'messages' must be a non-empty array", param: "messages")
        }
        var parameters = wire.parameters
        if parameters["stream"] != nil {
            throw APIError.badRequest("'stream' must be true or false", param: "stream")
        }
        let brokerOptions = parameters["broker"]
        if brokerOptions != nil { parameters["broker"] = nil }
        var messages: [ChatMessage] = []
        messages.reserveCapacity(list.count)
        for (i, item) in list.enumerated() {
            guard let role = item.role else {
                throw APIError.badRequest("messages[\(i)].role must be a string", param: "messages")
            }
            guard let content = text(item.content) else {
                throw APIError.badRequest(
                    "messages[\(i)].content must be text, null or an array of content parts", param: "messages")
            }
            // Anything beyond role and text content (parts, tool calls, tool_call_id) goes upstream as sent.
            let plain =
                item.content?.stringValue != nil && item.refusal == nil && item.toolCalls == nil
                && item.reasoningContent == nil && item.reasoning == nil && item.extra.count == 0
            messages.append(ChatMessage(role: role, content: content, wire: plain ? nil : item))
        }
        let request = InferenceRequest(model: model, task: .conversational, messages: messages, parameters: parameters)

        var route = RouteRequest(model: model)
        try RoutingOptions.apply(brokerOptions, to: &route, registry: registry)
        // The messages joined by newlines, counted without building the joined text.
        let inputBytes = messages.reduce(max(0, messages.count - 1)) { $0 + $1.content.utf8.count }
        route.estimatedInputTokens = RouteRequest.estimateTokens(utf8Count: inputBytes)
        let outputLimit: (parameter: String, tokens: Int64)?
        do { outputLimit = try OutputTokenLimit.validated(parameters) } catch {
            throw APIError.badRequest(error.message, param: error.parameter)
        }
        route.estimatedOutputTokens = outputLimit?.tokens ?? 256
        route.capabilities = RouteRequest.capabilities(parameters: parameters, messages: messages)
        return ChatCompletionRequest(
            requestedModel: model, selectors: ModelSelector.readings(model, registry: registry), request: request,
            route: route,
            stream: wire.stream ?? false, includeUsage: wire.includeUsage, outputLimit: outputLimit)
    }

    /// Message content as text, for token estimates and for providers that take text: a
    /// string, `null` or absent (an assistant's tool call) as empty, or the text parts of an
    /// array joined (image and audio parts count no text). `nil` for anything else.
    static func text(_ value: JSONValue?) -> String? {
        guard let value else { return "" }
        if let s = value.stringValue { return s }
        if value.isNull { return "" }
        guard let parts = value.arrayValue else { return nil }
        var out = ""
        for part in parts {
            if let s = part.stringValue {
                out += s
            } else if let s = part["text"]?.stringValue {
                out += s
            } else if part.objectValue == nil {
                return nil
            }
        }
        return out
    }
}
