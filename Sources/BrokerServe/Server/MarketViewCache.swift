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
    /// Read by every request, written once per model per interval: readers never wait for one another.
    private let entries = ReadMostlyLock<[String: Entry]>([:])

    init(routing: RoutingService, ttlMs: Int64, now: @escaping @Sendable () -> Int64) {
        self.routing = routing
        self.ttlMs = ttlMs
        self.now = now
    }

    /// The view of `model`, from the cache while fresh. An expired view is still answered
    /// while one background task re-reads it, so no request waits for the store except the
    /// first for a model (or the first after ``invalidate(_:)`` / ``invalidateAll()``).
    /// - Throws: the store's error when `model`'s offers cannot be read and no view is kept (a
    ///   failed background renewal keeps the last good view and is tried again by the next request).
    func view(_ model: String) async throws -> RoutingService.MarketView {
        let nowMs = now()
        guard ttlMs > 0 else { return try await routing.readMarketView(model) }
        // The common case, a fresh view, under the shared read lock; the write lock only to
        // claim the renewal of an expired one.
        let fresh = entries.read { table -> RoutingService.MarketView? in
            guard let entry = table[model], nowMs - entry.atMs < ttlMs || entry.renewing else { return nil }
            return entry.view
        }
        if let fresh { return fresh }
        let (cached, renew) = entries.write { table -> (RoutingService.MarketView?, Bool) in
            guard var entry = table[model] else { return (nil, false) }
            if nowMs - entry.atMs < ttlMs || entry.renewing { return (entry.view, false) }
            entry.renewing = true
            table[model] = entry
            return (entry.view, true)
        }
        if let cached {
            if renew { Task.detached { try? await self.read(model, atMs: nowMs) } }
            return cached
        }
        return try await read(model, atMs: nowMs)
    }

    /// Reads `model`'s view from the store and keeps it; a failed read keeps nothing (and lets
    /// the next request renew the last good view again).
    @discardableResult
    private func read(_ model: String, atMs: Int64) async throws -> RoutingService.MarketView {
        let view: RoutingService.MarketView
        do {
            view = try await routing.readMarketView(model)
        } catch {
            entries.write { table in table[model]?.renewing = false }
            throw error
        }
        entries.write { table in
            if table.count > 4096 { table.removeAll() }
            table[model] = Entry(atMs: atMs, view: view)
        }
        return view
    }

    /// Forgets `model`'s view.
    func invalidate(_ model: String) { _ = entries.write { $0.removeValue(forKey: model) } }

    /// Forgets the views that hold an offer of `provider` (another instance refreshed it). A
    /// model it newly lists is seen when that model's view expires (the cache's TTL).
    func invalidate(provider: String) {
        entries.write { table in
            table = table.filter { entry in !entry.value.view.offers.contains { $0.provider == provider } }
        }
    }

    /// Forgets every view (after a refresh).
    func invalidateAll() { entries.write { $0.removeAll() } }

    /// Offers whose circuit breaker was open in the cached views.
    var openBreakers: [OfferKey] {
        entries.read { table in Array(Set(table.values.flatMap(\.view.open))) }
    }
}
