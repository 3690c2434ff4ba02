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
        let now = Timestamp.nowMs()
        var query = MarketQuery(nowMs: now, modelID: route.model, sort: .model, includeStale: true)
        query.refreshIntervalsMs = Dictionary(
            registry.entries.map { ($0.key, Int64($0.refreshIntervalSeconds) * 1000) }, uniquingKeysWith: { a, _ in a })
        let offers = (try? await store.queryOffers(query)) ?? []
        var measured: [OfferKey: MeasuredLatency] = [:]
        var open = Set<OfferKey>()
        for offer in offers {
            let key = OfferKey(offer)
            if route.policy == .fastest,
                let m = try? await store.measuredLatency(provider: offer.provider, servedBy: offer.servedBy, model: offer.model)
            {
                measured[key] = m
            }
            let recent = (try? await store.recentAttempts(
                provider: offer.provider, servedBy: offer.servedBy, model: offer.model, limit: breaker.threshold)) ?? []
            if breaker.isOpen(recent: recent, nowMs: now) { open.insert(key) }
        }
        var order: [String: Int] = [:]
        for entry in registry.entries where entry.enabled { order[entry.key] = entry.index }
        let environment = context.environment
        let entries = Dictionary(registry.entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return Router.plan(
            route, offers: offers, registryOrder: order, measured: measured, isStale: { query.isStale($0) },
            isOpen: { open.contains(OfferKey($0)) },
            unusable: { offer in
                guard let name = entries[offer.provider]?.authEnv else { return nil }
                return (environment[name] ?? "").isEmpty ? "credential variable \(name) is not set" : nil
            })
    }
}
