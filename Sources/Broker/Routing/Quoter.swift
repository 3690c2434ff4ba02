import ProviderInterface

/// One fitting offer's exact cost for a request of known size.
public struct QuoteLine: Sendable, Hashable {
    /// The offer.
    public var offer: Offer
    /// Whether the offer is stale.
    public var stale: Bool
    /// The exact cost in pico-units of the offer's currency; `nil` when its price is unknown.
    public var cost: PicoUSD?
    /// The cost in pico-USD (converted for another currency); `nil` when unknown or no rate.
    public var costUSD: PicoUSD?
    /// How ``costUSD`` was obtained: `native` or `ecb:YYYY-MM-DD`; `nil` when it is unknown.
    public var priceBasis: String?
}

/// `broker quote` and `POST /v1/marketplace/quote`: the exact cost of a request of
/// `estimatedInputTokens` in and `estimatedOutputTokens` out on every offer that fits the
/// request's filters, cheapest first in USD (or natively with a currency), as routing would
/// order them; priced offers without a rate after the comparable ones, unknown prices last.
public enum Quoter {
    /// The quote, and the router's plan (its exclusions say why other offers do not fit).
    public static func quote(
        _ route: RouteRequest, store: any MarketStore, registry: Registry, nowMs: Int64
    ) async throws -> (lines: [QuoteLine], plan: RoutePlan) {
        var request = route
        request.policy = .cheapest
        request.allowUnpriced = true
        var query = MarketQuery(nowMs: nowMs, modelID: request.model, sort: .model, includeStale: true)
        query.refreshIntervalsMs = Dictionary(
            registry.entries.map { ($0.key, Int64($0.refreshIntervalSeconds) * 1000) }, uniquingKeysWith: { a, _ in a })
        let offers = try await store.queryOffers(query)
        let rates = offers.contains { !$0.price.isUSD } ? try await store.exchangeRates() : nil
        var order: [String: Int] = [:]
        for entry in registry.entries where entry.enabled { order[entry.key] = entry.index }
        let plan = Router.plan(
            request, offers: offers, registryOrder: order, isStale: { query.isStale($0) },
            unusable: { $0.isRetired(nowMs: nowMs) ? "retired by the provider on \($0.retiresAt ?? "")" : nil },
            rates: rates)
        let lines = plan.candidates.map { offer in
            let cost = offer.price.cost(
                inputTokens: request.estimatedInputTokens, outputTokens: request.estimatedOutputTokens)
            let usd = cost.flatMap { offer.price.usdCost($0, rates) }
            return QuoteLine(
                offer: offer, stale: query.isStale(offer), cost: cost, costUSD: usd?.cost, priceBasis: usd?.basis)
        }
        return (lines, plan)
    }
}
