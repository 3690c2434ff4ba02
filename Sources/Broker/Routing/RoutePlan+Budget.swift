import ProviderInterface

extension RoutePlan {
    /// Whether the cost of an answer from `offer` can be counted in USD against a budget: a
    /// known token price (free included) in USD, or in a currency with a stored rate. An
    /// unknown price, or one billed otherwise than per token, is never charged, so it cannot.
    public func costCountsInUSD(_ offer: Offer) -> Bool {
        guard let native = offer.price.cost(inputTokens: 1, outputTokens: 1) else { return false }
        return offer.price.usdCost(native, rates) != nil
    }

    /// This plan keeping only candidates whose cost can be counted against `budget` (what the
    /// budget is, for the reasons: `the budget of key 'ci'`); the others are set aside naming why.
    public func countable(against budget: String) -> RoutePlan {
        var plan = self
        plan.candidates = []
        var setAside: [Exclusion] = []
        for offer in candidates {
            if costCountsInUSD(offer) {
                plan.candidates.append(offer)
            } else if offer.price.cost(inputTokens: 1, outputTokens: 1) == nil {
                setAside.append(Exclusion(offer: offer, reason: "price unknown, cannot be counted against \(budget)"))
            } else {
                setAside.append(
                    Exclusion(
                        offer: offer,
                        reason:
                            "priced in \(offer.price.currency) with no stored rate, cannot be counted against \(budget)"
                    ))
            }
        }
        plan.excluded = setAside + excluded
        return plan
    }
}
