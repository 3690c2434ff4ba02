import Broker
import HTTPServer
import Platform
import ProviderInterface

/// The request handler of `broker serve`: checks access, dispatches by route, counts
/// requests in flight (streamed bodies until they end) and refuses new ones while draining.
public final class BrokerService: Sendable {
    let context: ServeContext
    private let environment: [String: String]

    /// A service over `registry` and `store`; `factory` builds providers (the CLI passes the
    /// shipped adapters). `now` is Unix milliseconds. `blockingThreads` and `busyPoll` are the
    /// execution strategy shared with the providers' transport: the connection threads the
    /// server marks while they run their request's task, and the busy-poll policy (by default
    /// the configuration's, see ``ServeConfiguration/makeBusyPoll()``).
    public init(
        configuration: ServeConfiguration, registry: Registry, store: any MarketStore, environment: [String: String],
        factory: @escaping ProviderFactory, blockingThreads: BlockingThreads = BlockingThreads(),
        busyPoll: BusyPoll? = nil,
        now: @escaping @Sendable () -> Int64 = { Timestamp.nowMs() }
    ) {
        self.environment = environment
        context = ServeContext(
            configuration: configuration, registry: registry, store: store, environment: environment, factory: factory,
            blockingThreads: blockingThreads, busyPoll: busyPoll ?? configuration.makeBusyPoll(), now: now)
    }

    /// Answers one request: the server's async handler (``HTTPServer`` runs it as a task on
    /// its connection's thread model).
    public func respond(_ request: ServerRequest) async -> ServerResponse {
        guard context.lifecycle.enter() else { return APIError.shuttingDown().response }
        let started = MonotonicTime.nanoseconds()
        var response: ServerResponse
        let route = Self.routeName(request.path)
        do {
            response = try await dispatch(request)
        } catch {
            response = error.response
            if !error.counted {
                context.metrics.request(
                    route: route, outcome: error.code ?? "error", seconds: Self.seconds(since: started))
            }
        }
        if case .sequence(var body) = response.body {
            let previous = body.onFinish
            let lifecycle = context.lifecycle
            body.onFinish = {
                previous?()
                lifecycle.leave()
            }
            response.body = .sequence(body)
        } else {
            context.lifecycle.leave()
        }
        context.metrics.handler(seconds: Self.seconds(since: started))
        return response
    }

    private func dispatch(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        let path =
            request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let method = request.method
        switch path {
        case "/", "/index.html":
            try expect(method, "GET", path)
            return WebPage.response
        case "/health":
            try expect(method, "GET", path)
            return await HealthEndpoint(context: context).handle()
        case "/favicon.ico":
            return ServerResponse(status: 204)
        default: break
        }
        let key = try await context.access.authorize(request)
        let started = MonotonicTime.nanoseconds()
        let route = Self.routeName(path)
        func counted(_ response: ServerResponse) -> ServerResponse {
            context.metrics.request(route: route, outcome: "ok", seconds: Self.seconds(since: started))
            return response
        }
        switch path {
        case "/v1/chat/completions", "/chat/completions":
            try expect(method, "POST", path)
            return try await ChatEndpoint(context: context).handle(request, key: key)
        case "/v1/responses", "/responses":
            try expect(method, "POST", path)
            return try await ResponsesEndpoint(context: context).handle(request, key: key)
        case "/v1/embeddings", "/embeddings":
            try expect(method, "POST", path)
            return try await EmbeddingsEndpoint(context: context).handle(request, key: key)
        case "/v1/models", "/models":
            try expect(method, "GET", path)
            return counted(try await ModelsEndpoint(context: context).handle())
        case "/v1/marketplace/offers":
            try expect(method, "GET", path)
            return counted(try await MarketplaceEndpoints(context: context).offers(request))
        case "/v1/marketplace/gpus":
            try expect(method, "GET", path)
            return counted(try await MarketplaceEndpoints(context: context).gpus(request))
        case "/v1/marketplace/history":
            try expect(method, "GET", path)
            return counted(try await MarketplaceEndpoints(context: context).history(request))
        case "/v1/marketplace/audit":
            try expect(method, "GET", path)
            return counted(try await MarketplaceEndpoints(context: context).audit(request))
        case "/v1/marketplace/quote":
            try expect(method, "POST", path)
            return counted(try await MarketplaceEndpoints(context: context).quote(request))
        case "/v1/marketplace/providers":
            try expect(method, "GET", path)
            return counted(MarketplaceEndpoints(context: context).providers(environment: environment))
        case "/v1/usage":
            try expect(method, "GET", path)
            return counted(try await MarketplaceEndpoints(context: context).usage(request))
        case "/metrics":
            try expect(method, "GET", path)
            let text = context.metrics.render(
                openBreakers: context.cache.openBreakers.count, inFlight: context.lifecycle.inFlight,
                gauges: await metricGauges(), ledger: context.ledger.health,
                buildInfo: context.configuration.buildInfo)
            return ServerResponse(
                status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], bytes: Array(text.utf8))
        default:
            if path.hasPrefix("/hf-inference/models/") || path.hasPrefix("/models/") {
                try expect(method, "POST", path)
                return try await HFTaskEndpoint(context: context).handle(request, path: path, key: key)
            }
            throw APIError.notFound(path)
        }
    }

    /// What `/metrics` reads at each scrape: whether the store answers, the offers it holds for
    /// the enabled providers, the keys' budgets. A store that cannot be read is a 0, not an error.
    private func metricGauges() async -> ServeMetrics.Gauges {
        var offers: Int? = 0
        for entry in context.registry.enabled {
            guard let count = try? await context.store.offerCount(provider: entry.key) else {
                offers = nil
                break
            }
            offers = offers.map { $0 + count }
        }
        // No provider enabled reads nothing: ask the store itself whether it answers.
        var up = offers != nil
        if up { up = (try? await context.store.lastRefreshes()) != nil }
        return ServeMetrics.Gauges(
            storeKind: StoreLocation.kind(context.store.path), storeUp: up, offers: up ? offers : nil,
            keyBudgets: context.access.budgets)
    }

    private func expect(_ method: String, _ allowed: String, _ path: String) throws(APIError) {
        if method == allowed || (allowed == "GET" && method == "HEAD") { return }
        throw APIError.methodNotAllowed(method, path)
    }

    static func routeName(_ path: String) -> String {
        switch path {
        case "/v1/chat/completions", "/chat/completions": "chat"
        case "/v1/embeddings", "/embeddings": "embeddings"
        case "/v1/responses", "/responses": "responses"
        case "/v1/models", "/models": "models"
        case "/v1/marketplace/offers": "offers"
        case "/v1/marketplace/gpus": "gpus"
        case "/v1/marketplace/providers": "providers"
        case "/v1/marketplace/quote": "quote"
        case "/v1/marketplace/audit": "audit"
        case "/v1/marketplace/history": "history"
        case "/v1/usage": "usage"
        case "/metrics": "metrics"
        case "/health": "health"
        case "/", "/index.html": "page"
        default: path.hasPrefix("/hf-inference/") || path.hasPrefix("/models/") ? "hf_inference" : "other"
        }
    }

    static func seconds(since started: UInt64) -> Double { Double(MonotonicTime.nanoseconds() &- started) / 1e9 }
}
