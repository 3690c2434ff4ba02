import ProviderInterface

extension Router {
    /// Why each candidate of `plan` is where it is, one line per candidate in order, then one
    /// per offer set aside: the expected cost (`cheapest`), the expected completion time and
    /// whether it comes from the broker's measurements or the provider's figures (`fastest`),
    /// or the registry position (`preferred`). For `run --explain`.
    public static func explain(
        _ request: RouteRequest, plan: RoutePlan, registryOrder: [String: Int],
        measured: [OfferKey: MeasuredLatency] = [:]
    ) -> [String] {
        var lines = [
            "policy \(request.policy.rawValue): \(plan.candidates.count) candidate\(plan.candidates.count == 1 ? "" : "s")"
        ]
        for (i, offer) in plan.candidates.enumerated() {
            let why: String
            switch request.policy {
            case .cheapest:
                let tokens = "\(request.estimatedInputTokens) input + \(request.estimatedOutputTokens) output tokens"
                why =
                    cost(offer, request).map { "expected cost \($0.roundedNanoUSD) nano-USD for \(tokens)" }
                    ?? "price unknown (allowed; after the priced offers)"
            case .fastest:
                why = ExpectedCompletion(
                    offer: offer, measured: measured[OfferKey(offer)], outputTokens: request.estimatedOutputTokens
                ).description(outputTokens: request.estimatedOutputTokens)
            case .preferred:
                why = "registry position \((registryOrder[offer.provider] ?? 0) + 1)"
            }
            lines.append("  \(i + 1). \(offer.provider)/\(offer.servedBy) \(offer.model): \(why)")
        }
        for exclusion in plan.excluded {
            lines.append(
                "  set aside \(exclusion.offer.provider)/\(exclusion.offer.servedBy) \(exclusion.offer.model): \(exclusion.reason)"
            )
        }
        return lines
    }
}
