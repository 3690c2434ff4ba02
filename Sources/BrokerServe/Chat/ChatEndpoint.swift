import Broker
import HTTPServer
import Platform
import ProviderInterface

/// `POST /v1/chat/completions`: plain and streamed, routed exactly like `broker run`.
struct ChatEndpoint: Sendable {
    let context: ServeContext

    func handle(_ request: ServerRequest, key: APIKey?) async throws(APIError) -> ServerResponse {
        let started = MonotonicTime.nanoseconds()
        let chat = try ChatCompletionRequest.parse(request.body, registry: context.registry)
        let routed = RoutedRun(context: context, key: key, route: "chat")
        let plan = try await routed.plan(
            selectors: chat.selectors, route: chat.route, requested: chat.requestedModel, outputLimit: chat.outputLimit
        ).get()
        if chat.stream {
            return try await stream(chat, plan: plan, routed: routed, started: started)
        }
        let result = try await routed.run(
            chat.request, plan: plan, requestID: RoutedRun.requestID(), startedNanos: started
        ).get()
        return ServerResponse(
            status: 200, headers: [("Content-Type", "application/json")] + ChatCompletionJSON.headers(result),
            bytes: ChatCompletionJSON.completionBytes(result, createdSeconds: context.now() / 1000))
    }

    /// Starts the run, waits for its first output (or its failure, answered with an error
    /// status since nothing was sent yet), then streams the rest as SSE.
    private func stream(
        _ chat: ChatCompletionRequest, plan: RoutePlan, routed: RoutedRun, started: UInt64
    ) async throws(APIError) -> ServerResponse {
        // The writer passes chunks through and needs only the account: no whole answer is built.
        let (channel, first, task, trace, requestID) = try await Self.startStream(
            chat.request, plan: plan, routed: routed, started: started, collectsAnswer: false)
        let offer = trace.offer ?? plan.candidates.first.map(OfferKey.init)
        let model =
            plan.candidates.first { OfferKey($0) == offer }.map(ChatCompletionJSON.modelName) ?? chat.route.model
        let writer = ChatStreamWriter(
            channel: channel, first: first, id: "chatcmpl-" + requestID, model: model,
            createdSeconds: context.now() / 1000,
            includeUsage: chat.includeUsage)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("x-broker-request-id", requestID),
        ]
        if let offer {
            headers.append(("x-broker-provider", offer.provider))
            headers.append(("x-broker-served-by", offer.servedBy))
            headers.append(("x-broker-model", offer.model))
        }
        return ServerResponse(
            status: 200, headers: headers, body: .sequence(ResponseBody(writer, onFinish: { task.cancel() })))
    }

    /// Starts a streamed run and waits for its first output; its failure before any output is
    /// thrown (answered with an error status, since nothing was sent yet). `collectsAnswer`: as
    /// for ``RoutedRun/run``; the Responses stream keeps it (its last event holds the whole answer).
    static func startStream(
        _ request: InferenceRequest, plan: RoutePlan, routed: RoutedRun, started: UInt64,
        collectsAnswer: Bool = true
    ) async throws(APIError) -> (StreamChannel, StreamChannel.Batch, Task<Void, Never>, ServedAttempts, String) {
        let channel = StreamChannel()
        let trace = ServedAttempts(metrics: routed.context.metrics)
        let requestID = RoutedRun.requestID()
        let task = Task {
            let result = await routed.run(
                request, plan: plan, attempts: trace, requestID: requestID, startedNanos: started,
                onPiece: { channel.push($0) }, collectsAnswer: collectsAnswer)
            channel.finish(result)
        }
        // The run is a task of its own (it outlives this handler while the body streams), so a
        // cancelled handler — its client hung up before the first byte — cancels it explicitly.
        let first = await channel.first(cancelling: task)
        if first.pieces.isEmpty, case .failure(let error)? = first.result { throw error }
        return (channel, first, task, trace, requestID)
    }
}
