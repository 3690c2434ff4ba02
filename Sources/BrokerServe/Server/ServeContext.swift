import Broker
import Platform
import ProviderInterface

/// Everything the endpoints share: registry, store, routing, caches, access control,
/// metrics and the background refresh.
final class ServeContext: Sendable {
    let configuration: ServeConfiguration
    let registry: Registry
    let store: any MarketStore
    let routing: RoutingService
    let runner: InferenceRunner
    /// Ledger rows are group-committed; an answer waits for its own row's commit (answered means recorded).
    let ledger: LedgerWriter
    let cache: MarketViewCache
    let access: AccessControl
    let metrics = ServeMetrics()
    /// The connection threads that run their request's task (marked by the HTTP server), shared
    /// with the providers' transport.
    let blockingThreads: BlockingThreads
    /// The busy-poll policy, shared with the providers' transport.
    let busyPoll: BusyPoll
    let lifecycle: Lifecycle
    let refresh: RefreshLoop
    let now: @Sendable () -> Int64

    init(
        configuration: ServeConfiguration, registry: Registry, store: any MarketStore, environment: [String: String],
        factory: @escaping ProviderFactory, blockingThreads: BlockingThreads, busyPoll: BusyPoll,
        now: @escaping @Sendable () -> Int64
    ) {
        self.blockingThreads = blockingThreads
        self.busyPoll = busyPoll
        self.lifecycle = Lifecycle(busyPoll: busyPoll)
        self.configuration = configuration
        self.registry = registry
        self.store = store
        self.now = now
        let routing = RoutingService(registry: registry, store: store, environment: environment, factory: factory)
        self.routing = routing
        // Rows no answer waits for (`sent` rows, failed attempts, key charges) are written within
        // 20 ms, with the next commit; an answer's own row is committed before it is sent, alone
        // on a quiet server, gathered with others' for up to 2 ms on a busy one (see LedgerWriter).
        // /v1/usage and shutdown flush first.
        let ledger = LedgerWriter(store: store, delayMs: 20)
        self.ledger = ledger
        self.runner = routing.runner(maxAttempts: configuration.maxAttempts, ledgerWriter: ledger)
        let cache = MarketViewCache(routing: routing, ttlMs: configuration.marketCacheTTLMs, now: now)
        self.cache = cache
        // This instance's name in the store: its refresh leases and its budget reservations.
        let instance = "serve-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
        self.access = AccessControl(
            keys: configuration.keys, now: now, store: store, holder: instance,
            onCharge: { name, pico in ledger.charge(keyName: name, pico: pico) })
        let metrics = self.metrics
        let refresher = PricingRefresher(
            store: store, registry: registry, factory: factory, now: now, owner: instance)
        self.refresh = RefreshLoop(
            refresher: refresher, intervalMs: configuration.refreshIntervalMs,
            onResult: {
                metrics.refresh(
                    provider: $0.run.provider, status: $0.run.status.rawValue,
                    endedAtMs: $0.run.startedAt + $0.run.durationMs)
            },
            onRound: { cache.invalidateAll() })
    }

    /// The market query for staleness, with the registry's refresh intervals.
    func marketQuery() -> MarketQuery {
        var query = MarketQuery(nowMs: now())
        query.refreshIntervalsMs = registry.refreshIntervalsMs
        return query
    }
}
