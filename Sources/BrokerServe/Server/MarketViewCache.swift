import Broker
import Synchronization

/// Keeps each model's market view (offers, measured latency, breaker state) for a short
/// time, so a busy server reads the store once per model per interval instead of once per
/// request. When a view expires, one request re-reads it while the others go on with the
/// previous one (no stampede on the store). A refresh, or a request that saw a failure,
/// sets the views aside: the next request for a model reads it again.
///
/// A view set aside is still the model's last good view: when the store cannot be read (a
/// PostgreSQL server away, a damaged file), it is answered again, for one time to live at a
/// time, so an instance keeps routing from the offers it holds through refresh rounds and
/// failed attempts until the store is back. Meanwhile the attempts this instance makes are
/// kept here, since their ledger rows wait in the writer's queue where the breakers read from
/// the store cannot see them: an offer that fails ``CircuitBreaker/threshold`` times in a row
/// during the outage is skipped as if its circuit were open in the view.
final class MarketViewCache: Sendable {
    private struct Entry {
        var atMs: Int64
        var view: RoutingService.MarketView
        var renewing = false
        /// Set aside by ``invalidate(_:)`` / ``invalidateAll()``: answered only when the store fails.
        var setAside = false
    }

    private let routing: RoutingService
    private let ttlMs: Int64
    private let now: @Sendable () -> Int64
    /// Read by every request, written once per model per interval: readers never wait for one another.
    private let entries = ReadMostlyLock<[String: Entry]>([:])
    /// Views are being answered because the store cannot be read (set by a failed read, cleared
    /// by the next good one).
    private let storeAway = Atomic<Bool>(false)
    /// This instance's attempts while ``storeAway``, by offer, newest first (as many as the breaker reads).
    private let outageAttempts = Mutex<[OfferKey: [(ok: Bool, at: Int64)]]>([:])

    init(routing: RoutingService, ttlMs: Int64, now: @escaping @Sendable () -> Int64) {
        self.routing = routing
        self.ttlMs = ttlMs
        self.now = now
    }

    /// The view of `model`, from the cache while fresh. An expired view is still answered
    /// while one background task re-reads it, so no request waits for the store except the
    /// first for a model (or the first after ``invalidate(_:)`` / ``invalidateAll()``, unless
    /// the last read failed: then the view set aside is answered while it is read again).
    /// - Throws: the store's error when `model`'s offers cannot be read and no view of it was
    ///   ever read (a failed read, a renewal or one after an invalidation, answers the last good
    ///   view for one more time to live).
    func view(_ model: String) async throws -> RoutingService.MarketView {
        let view = try await heldView(model)
        guard storeAway.load(ordering: .relaxed) else { return view }
        return withOutageBreakers(view)
    }

    /// The view of `model` as held (or read); see ``view(_:)``.
    private func heldView(_ model: String) async throws -> RoutingService.MarketView {
        let nowMs = now()
        guard ttlMs > 0 else { return try await routing.readMarketView(model) }
        // The common case, a fresh view, under the shared read lock; the write lock only to
        // claim the renewal of an expired one.
        let fresh = entries.read { table -> RoutingService.MarketView? in
            guard let entry = table[model], !entry.setAside, nowMs - entry.atMs < ttlMs || entry.renewing else {
                return nil
            }
            return entry.view
        }
        if let fresh { return fresh }
        // While the store is away, a view set aside is answered as an expired one is (renewed
        // in the background): a store that hangs rather than refuses (a server gone from the
        // network, a table locked) holds no request.
        let away = storeAway.load(ordering: .relaxed)
        let (cached, renew) = entries.write { table -> (RoutingService.MarketView?, Bool) in
            guard var entry = table[model], !entry.setAside || away else { return (nil, false) }
            if (!entry.setAside && nowMs - entry.atMs < ttlMs) || entry.renewing { return (entry.view, false) }
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

    /// Reads `model`'s view from the store and keeps it. When the read fails, the last good view
    /// (fresh, expired or set aside) is kept and answered for one more time to live, after which
    /// a request renews it again; the store's error only when no view of `model` was ever read.
    @discardableResult
    private func read(_ model: String, atMs: Int64) async throws -> RoutingService.MarketView {
        let view: RoutingService.MarketView
        do {
            view = try await routing.readMarketView(model)
        } catch {
            // The last good view, kept for one more time to live: a store that is away is asked
            // again once per model per time to live, not at every request.
            let kept = entries.write { table -> RoutingService.MarketView? in
                guard var entry = table[model] else { return nil }
                entry.renewing = false
                entry.setAside = false
                entry.atMs = atMs
                table[model] = entry
                return entry.view
            }
            guard let kept else { throw error }
            storeAway.store(true, ordering: .relaxed)
            return kept
        }
        if storeAway.exchange(false, ordering: .relaxed) { outageAttempts.withLock { $0.removeAll() } }
        entries.write { table in
            if table.count > 4096 { table.removeAll() }
            table[model] = Entry(atMs: atMs, view: view)
        }
        return view
    }

    /// Notes a request's attempts (of offers of `plan`) while the store cannot be read; nothing
    /// otherwise (the ledger has them, and the views read it).
    func noteAttempts(_ attempts: [AttemptRecord], plan: RoutePlan) {
        guard storeAway.load(ordering: .relaxed), !attempts.isEmpty else { return }
        let atMs = now()
        let kept = routing.breaker.threshold
        outageAttempts.withLock { table in
            for attempt in attempts {
                guard
                    let offer = plan.candidates.first(where: {
                        $0.provider == attempt.provider && $0.servedBy == attempt.servedBy
                    })
                else { continue }
                let key = OfferKey(offer)
                var recent = table[key] ?? []
                recent.insert((ok: attempt.outcome == UsageRecord.okOutcome, at: atMs), at: 0)
                table[key] = Array(recent.prefix(kept))
            }
        }
    }

    /// Sets aside the views that hold an offer of `provider` (another instance refreshed it):
    /// the next request for each reads it again, and a set-aside view stays the last good one
    /// while the store cannot be read. A model it newly lists is seen when that model's view
    /// expires (the cache's TTL).
    func invalidate(provider: String) {
        entries.write { table in
            for (model, entry) in table where entry.view.offers.contains(where: { $0.provider == provider }) {
                table[model]?.setAside = true
            }
        }
    }

    /// `view` with the circuits this instance's own attempts opened since the store went away.
    private func withOutageBreakers(_ view: RoutingService.MarketView) -> RoutingService.MarketView {
        let nowMs = now()
        let breaker = routing.breaker
        let opened = outageAttempts.withLock { table in
            table.filter { breaker.isOpen(recent: $0.value, nowMs: nowMs) }.keys
        }
        guard !opened.isEmpty else { return view }
        var view = view
        view.open.formUnion(opened)
        return view
    }

    /// Sets `model`'s view aside: the next request reads it again.
    func invalidate(_ model: String) { entries.write { $0[model]?.setAside = true } }

    /// Sets every view aside (after a refresh).
    func invalidateAll() {
        entries.write { table in
            for model in table.keys { table[model]?.setAside = true }
        }
    }

    /// Offers whose circuit breaker was open in the cached views (not those set aside).
    var openBreakers: [OfferKey] {
        entries.read { table in Array(Set(table.values.filter { !$0.setAside }.flatMap(\.view.open))) }
    }
}
