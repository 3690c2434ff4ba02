import ProviderInterface

/// Routing over the live store: reads a model's offers with the broker's own latency
/// figures and breaker state, plans with ``Router``, and runs with ``InferenceRunner``.
/// Shared by `broker run`, `broker batch` and `broker serve`.
public struct RoutingService: Sendable {
    /// The registry.
    public let registry: Registry
    /// The store.
    public let store: any MarketStore
    /// Providers built once per process.
    public let providers: ProviderCache
    /// Environment variables (only to tell whether a credential is set).
    public let environment: [String: String]
    /// The circuit breaker.
    public let breaker: CircuitBreaker
    /// Removes credentials from error text.
    public let redactor: Redactor
    /// Each enabled provider's place in the registry (the last tie-break), computed once.
    private let registryOrder: [String: Int]
    /// Why a provider's offers cannot be used now (its credential variable is not set), by
    /// provider key; computed once, as the environment is fixed for the service's life.
    private let unusableProviders: [String: String]

    /// A service.
    public init(
        registry: Registry, store: any MarketStore, environment: [String: String], factory: @escaping ProviderFactory,
        breaker: CircuitBreaker = CircuitBreaker()
    ) {
        self.registry = registry
        self.store = store
        self.environment = environment
        self.providers = ProviderCache(registry: registry, factory: factory)
        self.breaker = breaker
        self.redactor = Redactor(secrets: registry.entries.compactMap { $0.authEnv.flatMap { environment[$0] } })
        var order: [String: Int] = [:]
        for entry in registry.entries where entry.enabled { order[entry.key] = entry.index }
        self.registryOrder = order
        var unusable: [String: String] = [:]
        var seen = Set<String>()
        for entry in registry.entries where seen.insert(entry.key).inserted {
            guard let name = entry.authEnv, (environment[name] ?? "").isEmpty else { continue }
            unusable[entry.key] = "credential variable \(name) is not set"
        }
        self.unusableProviders = unusable
    }

    /// A runner over this service's providers; with `ledgerWriter`, ledger rows are group-committed.
    public func runner(maxAttempts: Int = 4, ledgerWriter: LedgerWriter? = nil) -> InferenceRunner {
        var runner = InferenceRunner(
            store: store, providers: providers, registry: registry, redactor: redactor, maxAttempts: maxAttempts)
        runner.ledgerWriter = ledgerWriter
        return runner
    }

    /// What routing needs to know about one model's offers, read from the store once.
    public struct MarketView: Sendable {
        /// Every offer of the model, stale ones too.
        public var offers: [Offer]
        /// The broker's own latency figures.
        public var measured: [OfferKey: MeasuredLatency]
        /// Offers whose circuit is open.
        public var open: Set<OfferKey>
        /// The query used (for staleness).
        public var query: MarketQuery
        /// The stored reference rates, for prices in other currencies than USD.
        public var rates: ExchangeRates? = nil
    }

    /// Routes `route` over the store's offers for its model.
    /// - Throws: the store's error when its offers cannot be read (never an empty plan).
    public func plan(_ route: RouteRequest) async throws -> RoutePlan {
        plan(route, market: try await readMarketView(route.model))
    }

    /// Reads the offers of `model` with their measured latency and breaker state: one store
    /// call (``MarketStore/marketSnapshot(_:attemptWindow:recent:)``), one snapshot.
    /// - Throws: the store's error when any of it cannot be read: a store failure, never
    ///   "no offer" (nor an offer that looks unmeasured or closed because its history could not be read).
    public func readMarketView(_ model: String) async throws -> MarketView {
        let now = Timestamp.nowMs()
        var query = MarketQuery(nowMs: now, modelID: model, sort: .model, includeStale: true)
        query.refreshIntervalsMs = registry.refreshIntervalsMs
        let snapshot = try await store.marketSnapshot(query, attemptWindow: breaker.threshold)
        var open = Set<OfferKey>()
        for (key, recent) in snapshot.recentAttempts where breaker.isOpen(recent: recent, nowMs: now) {
            open.insert(key)
        }
        return MarketView(
            offers: snapshot.offers, measured: snapshot.measured, open: open, query: query, rates: snapshot.rates)
    }

    /// Why `plan` (made from `market`) orders its candidates as it does, one line each
    /// (``Router/explain(_:plan:registryOrder:measured:)``).
    public func explain(_ route: RouteRequest, plan: RoutePlan, market: MarketView) -> [String] {
        Router.explain(route, plan: plan, registryOrder: registryOrder, measured: market.measured)
    }

    /// Routes `route` over an already-read market view.
    public func plan(_ route: RouteRequest, market: MarketView) -> RoutePlan {
        let query = market.query
        let unusable = unusableProviders
        return Router.plan(
            route, offers: market.offers, registryOrder: registryOrder, measured: market.measured,
            isStale: { query.isStale($0) }, isOpen: { market.open.contains(OfferKey($0)) },
            unusable: { offer in
                if offer.isRetired(nowMs: query.nowMs) { return "retired by the provider on \(offer.retiresAt ?? "")" }
                return unusable[offer.provider]
            }, rates: market.rates)
    }
}
