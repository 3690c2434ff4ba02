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
        let opened = try await Self.startStream(
            chat.request, plan: plan, routed: routed, started: started, requestedModel: chat.route.model,
            collectsAnswer: false)
        let writer = ChatStreamWriter(
            channel: opened.channel, first: opened.first, id: "chatcmpl-" + opened.requestID,
            model: opened.model, createdSeconds: context.now() / 1000, includeUsage: chat.includeUsage)
        return opened.response(writer)
    }

    /// Starts a streamed run and waits for its first output; its failure before any output is
    /// thrown (answered with an error status, since nothing was sent yet). `requestedModel`: the
    /// model named when no offer served; `collectsAnswer`: as for ``RoutedRun/run``; the
    /// Responses stream keeps it (its last event holds the whole answer).
    static func startStream(
        _ request: InferenceRequest, plan: RoutePlan, routed: RoutedRun, started: UInt64, requestedModel: String,
        collectsAnswer: Bool = true
    ) async throws(APIError) -> StartedStream {
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
        let offer = trace.offer ?? plan.candidates.first.map(OfferKey.init)
        let model = plan.candidates.first { OfferKey($0) == offer }.map(ChatCompletionJSON.modelName) ?? requestedModel
        return StartedStream(
            channel: channel, first: first, task: task, requestID: requestID, offer: offer, model: model)
    }
}
