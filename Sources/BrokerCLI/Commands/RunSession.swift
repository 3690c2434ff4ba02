import Broker
import ProviderInterface

/// What `run` and `batch` share: the registry, store, providers and routing inputs.
struct RunSession: Sendable {
    let context: CLIContext
    let registry: Registry
    let store: MarketplaceStore
    let providers: ProviderCache
    let breaker = CircuitBreaker()

    init(context: CLIContext, registry: Registry, store: MarketplaceStore) {
        self.context = context
        self.registry = registry
        self.store = store
        self.providers = ProviderCache(registry: registry, factory: context.providerFactory)
    }

    func runner(maxAttempts: Int) -> InferenceRunner {
        InferenceRunner(store: store, providers: providers, registry: registry, redactor: context.redactor(registry), maxAttempts: maxAttempts)
    }

    /// Routes `route` over the store's offers for its model.
    func plan(_ route: RouteRequest) async -> RoutePlan {
        plan(route, market: await marketView(route.model, policy: route.policy))
    }

    /// What routing needs to know about one model's offers, read from the store once.
    struct MarketView: Sendable {
        var offers: [Offer]
        var measured: [OfferKey: MeasuredLatency]
        var open: Set<OfferKey>
        var query: MarketQuery
    }

    /// Reads the offers of `model` with their measured latency and breaker state.
    func marketView(_ model: String, policy: RoutePolicy) async -> MarketView {
        let now = Timestamp.nowMs()
        var query = MarketQuery(nowMs: now, modelID: model, sort: .model, includeStale: true)
        query.refreshIntervalsMs = Dictionary(
            registry.entries.map { ($0.key, Int64($0.refreshIntervalSeconds) * 1000) }, uniquingKeysWith: { a, _ in a })
        let offers = (try? await store.queryOffers(query)) ?? []
        var measured: [OfferKey: MeasuredLatency] = [:]
        var open = Set<OfferKey>()
        for offer in offers {
            let key = OfferKey(offer)
            if let m = try? await store.measuredLatency(provider: offer.provider, servedBy: offer.servedBy, model: offer.model) {
                measured[key] = m
            }
            let recent = (try? await store.recentAttempts(
                provider: offer.provider, servedBy: offer.servedBy, model: offer.model, limit: breaker.threshold)) ?? []
            if breaker.isOpen(recent: recent, nowMs: now) { open.insert(key) }
        }
        return MarketView(offers: offers, measured: measured, open: open, query: query)
    }

    /// Routes `route` over an already-read market view (pure apart from the environment).
    func plan(_ route: RouteRequest, market: MarketView) -> RoutePlan {
        var order: [String: Int] = [:]
        for entry in registry.entries where entry.enabled { order[entry.key] = entry.index }
        let environment = context.environment
        let entries = Dictionary(registry.entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let query = market.query
        return Router.plan(
            route, offers: market.offers, registryOrder: order, measured: market.measured, isStale: { query.isStale($0) },
            isOpen: { market.open.contains(OfferKey($0)) },
            unusable: { offer in
                guard let name = entries[offer.provider]?.authEnv else { return nil }
                return (environment[name] ?? "").isEmpty ? "credential variable \(name) is not set" : nil
            })
    }
}
