import Broker
import HTTPServer
import Platform
import ProviderInterface

/// `POST /v1/responses`: the Responses API, translated to a chat completion by the wire
/// layer (``OpenAIResponsesRequest/chatRequest()``) and routed exactly like `/v1/chat/completions`; the answer comes
/// back as a `response` object (``OpenAIResponse``) or, with `stream: true`, as the
/// documented event sequence (``ResponsesStreamWriter`` around ``OpenAIResponseStream``).
struct ResponsesEndpoint: Sendable {
    let context: ServeContext

    func handle(_ request: ServerRequest, key: APIKey?) async throws(APIError) -> ServerResponse {
        let started = MonotonicTime.nanoseconds()
        let object = try JSONResponse.object(request.body)
        let responses = OpenAIResponsesRequest(parsing: .object(object)) ?? OpenAIResponsesRequest()
        let translated: OpenAIChatRequest
        do { translated = try responses.chatRequest() } catch {
            throw APIError.badRequest(error.message, param: error.param)
        }
        var chat = try ChatCompletionRequest.make(translated, registry: context.registry)
        // Sent as is to providers that serve /responses themselves (the broker's member aside).
        var native = responses
        native.parameters["broker"] = nil
        chat.request.responses = native
        let routed = RoutedRun(context: context, key: key, route: "responses")
        let plan = try await routed.plan(selectors: chat.selectors, route: chat.route, requested: chat.requestedModel)
            .get()
        let createdAt = context.now() / 1000
        if chat.stream {
            let opened = try await ChatEndpoint.startStream(
                chat.request, plan: plan, routed: routed, started: started, requestedModel: chat.route.model)
            let writer = ResponsesStreamWriter(
                channel: opened.channel, first: opened.first,
                response: OpenAIResponse(
                    id: "resp_" + opened.requestID, model: opened.model, createdAt: createdAt,
                    echo: responses.echo))
            return opened.response(writer)
        }
        let result = try await routed.run(
            chat.request, plan: plan, requestID: RoutedRun.requestID(), startedNanos: started
        ).get()
        if let own = result.response.response {
            // The provider's own response object, as sent, with the broker's account.
            return ChatCompletionJSON.answer(result, capacity: 2048) { own.write(to: &$0, members: $1) }
        }
        let text: String
        switch result.response.output {
        case .text(let t): text = t
        case .json(let v): text = JSONWriter.string(v)
        case .binary: text = ""
        }
        let output = OpenAIResponse(
            id: "resp_" + result.requestID, model: ChatCompletionJSON.modelName(result.offer), createdAt: createdAt,
            echo: responses.echo, completion: result.response.completion, text: text,
            finishReason: result.response.finishReason, usage: result.response.usage)
        return ChatCompletionJSON.answer(result, capacity: 1024 + text.utf8.count) {
            output.write(to: &$0, members: $1)
        }
    }
}
