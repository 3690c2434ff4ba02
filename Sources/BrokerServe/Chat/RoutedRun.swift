import Broker
import Platform
import ProviderInterface

/// Plans and runs one routed inference for a served request: picks the reading of the
/// model field that has offers, plans over the cached market view, runs reporting each attempt
/// to the request's ``ServedAttempts``, then charges the key and counts the result.
struct RoutedRun: Sendable {
    let context: ServeContext
    let key: APIKey?
    let route: String

    /// The plan for the first reading of the model field that the marketplace knows.
    /// When nothing fits only because `outputLimit` exceeds every offer's context, the answer is
    /// a 400 naming that parameter; a store whose offers cannot be read is a 503 naming it. A key
    /// with a budget routes only to offers whose cost can be counted against it (429
    /// `insufficient_quota` naming why when none can).
    func plan(
        selectors: [ModelSelector], route template: RouteRequest, requested: String,
        outputLimit: (parameter: String, tokens: Int64)? = nil
    ) async -> Result<RoutePlan, APIError> {
        for selector in selectors {
            let view: RoutingService.MarketView
            do {
                view = try await context.cache.view(selector.model)
            } catch {
                // A store that cannot be read is a store failure, never "model not found".
                return .failure(.storeUnavailable(error, path: context.store.path))
            }
            if view.offers.isEmpty { continue }
            var route = template
            route.model = selector.model
            if let servedBy = selector.servedBy {
                if view.offers.contains(where: { $0.servedBy == servedBy }) || context.registry.entry(servedBy) == nil {
                    route.servedBy = servedBy
                } else {
                    route.provider = servedBy
                }
            }
            if let policy = selector.policy { route.policy = policy }
            let plan: RoutePlan
            switch budgeted(context.routing.plan(route, market: view), requested: requested) {
            case .success(let kept): plan = kept
            case .failure(let error): return .failure(error)
            }
            if plan.candidates.isEmpty {
                if let invalid = OutputTokenLimit.exceedsEveryContext(outputLimit, route: route, plan: plan) {
                    return .failure(.badRequest(invalid.message, param: invalid.parameter))
                }
                return .failure(.noOfferFits(requested, plan))
            }
            return .success(plan)
        }
        return .failure(.modelNotFound(requested))
    }

    /// `plan` for this request's key: a key with a budget routes only to offers whose cost is
    /// counted against it (a known token price, free included, in USD or convertible to it),
    /// since an unknown price is never charged; 429 `insufficient_quota` naming why when it
    /// leaves none of the fitting offers. Keys without budgets keep the plan.
    func budgeted(_ plan: RoutePlan, requested: String) -> Result<RoutePlan, APIError> {
        guard let key, key.budget != nil else { return .success(plan) }
        let kept = plan.countable(against: "the budget of key '\(key.name)'")
        guard kept.candidates.isEmpty, !plan.candidates.isEmpty else { return .success(kept) }
        let reasons = kept.excluded.prefix(min(plan.candidates.count, 20))
            .map { "\($0.offer.provider)/\($0.offer.servedBy): \($0.reason)" }
        return .failure(
            .insufficientQuota(
                "key '\(key.name)' has a budget, and no offer of '\(requested)' that fits has a price that can be counted against it: "
                    + reasons.joined(separator: "; ")))
    }

    /// Runs `request` through `plan`; `onPiece` streams (provider chunks as sent, or text).
    /// `attempts` hears of each attempt (a stream's caller keeps it to name the offer); without
    /// one, the run makes its own.
    /// `collectsAnswer: false`: the caller takes every piece and needs only the account, so the
    /// runner does not fold the chunks into the whole answer (see ``InferenceRunner/run``).
    func run(
        _ request: InferenceRequest, plan: RoutePlan, attempts: ServedAttempts? = nil, requestID: String,
        startedNanos: UInt64,
        onPiece: (@Sendable (StreamPiece) -> Void)? = nil, collectsAnswer: Bool = true
    ) async -> Result<RunResult, APIError> {
        let runner = context.runner
        let reservation: AccessControl.Reservation
        do {
            reservation = try await context.access.reserve(
                key, OutputTokenLimit.maximumExpectedCost(request, plan: plan))
        } catch {
            return .failure(error)
        }
        let onDelta = onPiece.map { push in { @Sendable (text: String) in push(.text(text)) } }
        let onChunk = onPiece.map { push in { @Sendable (chunk: OpenAIStreamChunk) in push(.chunk(chunk)) } }
        let onEvent = onPiece.map { push in { @Sendable (event: OpenAIResponseEvent) in push(.event(event)) } }
        let trace = attempts ?? ServedAttempts(metrics: context.metrics)
        let result = await runner.run(
            request, plan: plan, requestID: requestID, observer: trace, onDelta: onDelta, onChunk: onChunk,
            onEvent: onEvent, collectsAnswer: collectsAnswer)
        switch result {
        case .success(let done): await context.access.settle(key, reservation, cost: done.cost)
        case .failure(let failure): await context.access.settle(key, reservation, cost: failure.deliveredCost)
        }
        let seconds = Double(MonotonicTime.nanoseconds() &- startedNanos) / 1e9
        switch result {
        case .success(let done):
            context.cache.noteAttempts(done.attempts, plan: plan)
            if done.attempts.count > 1 { await forgetViewsAfterFailures() }
            context.metrics.usage(provider: done.offer.provider, usage: done.response.usage, cost: done.cost)
            context.metrics.request(
                route: route, provider: done.offer.provider, servedBy: done.offer.servedBy, outcome: "ok",
                seconds: seconds)
            if onPiece == nil {
                let wall = MonotonicTime.nanoseconds() &- startedNanos
                let upstream = min(trace.upstreamNanos, wall)
                context.metrics.added(seconds: Double(wall &- upstream) / 1e9, upstreamSeconds: Double(upstream) / 1e9)
            }
            return .success(done)
        case .failure(let failure):
            context.cache.noteAttempts(failure.attempts, plan: plan)
            await forgetViewsAfterFailures()
            var error = APIError.upstream(failure, lastError: trace.lastError)
            error.counted = true
            let last = failure.attempts.last
            context.metrics.request(
                route: route, provider: last?.provider ?? "-", servedBy: last?.servedBy ?? "-",
                outcome: error.code ?? "error",
                seconds: seconds)
            return .failure(error)
        }
    }

    /// After failed attempts: writes the queued ledger rows, then sets the cached views aside,
    /// so the next request's circuit breakers and latency figures see these failures (those of
    /// the other instances on a shared store too: they are in the same ledger). While the
    /// ledger's commits are failing (a store away), no request waits for another try: the rows
    /// stay queued, and the views set aside are answered again when the store cannot be read.
    private func forgetViewsAfterFailures() async {
        if !context.ledger.health.retrying { await context.ledger.flush(attempts: 1) }
        context.cache.invalidateAll()
    }

    /// A fresh request id for the ledger (see ``RequestIDs``).
    static func requestID() -> String {
        RequestIDs.shared.next()
    }
}
