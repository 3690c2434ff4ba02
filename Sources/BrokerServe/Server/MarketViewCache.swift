import Broker
import Synchronization

/// Keeps each model's market view (offers, measured latency, breaker state) for a short
/// time, so a busy server reads the store once per model per interval instead of once per
/// request. When a view expires, one request re-reads it while the others go on with the
/// previous one (no stampede on the store). A refresh, or a request that saw a failure,
/// drops the views.
final class MarketViewCache: Sendable {
    private struct Entry {
        var atMs: Int64
        var view: RoutingService.MarketView
        var renewing = false
    }

    private let routing: RoutingService
    private let ttlMs: Int64
    private let now: @Sendable () -> Int64
    private let entries = Mutex<[String: Entry]>([:])

    init(routing: RoutingService, ttlMs: Int64, now: @escaping @Sendable () -> Int64) {
        self.routing = routing
        self.ttlMs = ttlMs
        self.now = now
    }

    /// The view of `model`, from the cache while fresh.
    func view(_ model: String) async -> RoutingService.MarketView {
        let nowMs = now()
        if ttlMs > 0 {
            let cached = entries.withLock { table -> RoutingService.MarketView? in
                guard var entry = table[model] else { return nil }
                if nowMs - entry.atMs < ttlMs { return entry.view }
                if entry.renewing { return entry.view }
                entry.renewing = true
                table[model] = entry
                return nil
            }
            if let cached { return cached }
        }
        let view = await routing.marketView(model)
        if ttlMs > 0 {
            entries.withLock { table in
                if table.count > 4096 { table.removeAll() }
                table[model] = Entry(atMs: nowMs, view: view)
            }
        }
        return view
    }

    /// Forgets `model`'s view.
    func invalidate(_ model: String) { _ = entries.withLock { $0.removeValue(forKey: model) } }

    /// Forgets every view (after a refresh).
    func invalidateAll() { entries.withLock { $0.removeAll() } }

    /// Offers whose circuit breaker was open in the cached views.
    var openBreakers: [OfferKey] {
        entries.withLock { table in Array(Set(table.values.flatMap(\.view.open))) }
    }
}
