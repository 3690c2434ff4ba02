import ProviderInterface

/// Chooses offers for a request: a pure function over the store's offers, tested alone.
public enum Router {
    /// Orders the offers for `request.model` that fit it, by policy.
    ///
    /// - Parameters:
    ///   - offers: every offer whose model or hf_id is the request's model (stale ones too).
    ///   - registryOrder: provider key → position in the registry (the `preferred` order).
    ///   - measured: the broker's own latency figures per offer, from the ledger.
    ///   - isStale: whether an offer is stale.
    ///   - isOpen: whether an offer's circuit breaker is open (recent repeated failures).
    ///   - unusable: any other reason an offer cannot be used now (a credential not set).
    ///   - rates: the stored reference rates, with which prices in other currencies are
    ///     compared in USD (caps, budget, `cheapest`); without them such offers cannot be
    ///     compared and come after every comparable priced one.
    public static func plan(
        _ request: RouteRequest, offers: [Offer], registryOrder: [String: Int],
        measured: [OfferKey: MeasuredLatency] = [:], isStale: (Offer) -> Bool = { _ in false },
        isOpen: (Offer) -> Bool = { _ in false }, unusable: (Offer) -> String? = { _ in nil },
        rates: ExchangeRates? = nil
    ) -> RoutePlan {
        var fits: [Offer] = []
        var excluded: [Exclusion] = []
        for offer in offers {
            if let reason = exclusion(
                offer, request, registryOrder: registryOrder, isStale: isStale, isOpen: isOpen, rates: rates)
                ?? unusable(offer)
            {
                excluded.append(Exclusion(offer: offer, reason: reason))
            } else {
                fits.append(offer)
            }
        }
        let ordered: [Offer]
        switch request.policy {
        case .cheapest:
            ordered = fits.sorted { a, b in
                compareCost(a, b, request, rates) ?? tieBreak(a, b, registryOrder)
            }
        case .fastest:
            let expected = fits.map {
                ExpectedCompletion(
                    offer: $0, measured: measured[OfferKey($0)], outputTokens: request.estimatedOutputTokens)
            }
            ordered = fits.indices.sorted { i, j in
                expected[i].isFaster(than: expected[j]) ?? tieBreak(fits[i], fits[j], registryOrder)
            }.map { fits[$0] }
        case .preferred:
            ordered = fits.sorted { a, b in tieBreak(a, b, registryOrder) }
        }
        guard !request.capabilities.isEmpty else {
            return RoutePlan(candidates: ordered, excluded: excluded, rates: rates)
        }
        // Known support first, unknown after, each in policy order (offers known to lack one are excluded).
        let known = ordered.filter { offer in request.capabilities.allSatisfy { offer.supports($0) == true } }
        let unknown = ordered.filter { offer in !request.capabilities.allSatisfy { offer.supports($0) == true } }
        return RoutePlan(candidates: known + unknown, excluded: excluded, rates: rates)
    }

    /// Why `offer` cannot serve `request`, or `nil` when it can.
    static func exclusion(
        _ offer: Offer, _ request: RouteRequest, registryOrder: [String: Int], isStale: (Offer) -> Bool,
        isOpen: (Offer) -> Bool, rates: ExchangeRates? = nil
    ) -> String? {
        if registryOrder[offer.provider] == nil { return "provider '\(offer.provider)' is not enabled in the registry" }
        if let provider = request.provider, offer.provider != provider {
            return "not the pinned provider '\(provider)'"
        }
        if let servedBy = request.servedBy, offer.servedBy != servedBy {
            return "not served by the pinned '\(servedBy)'"
        }
        if let task = request.task {
            if offer.task != task { return "task is \(offer.task.rawValue), not \(task.rawValue)" }
        } else if !offer.task.isChat {
            return "task is \(offer.task.rawValue), not chat"
        }
        if let region = request.region, offer.region != region {
            return offer.region == .unknown
                ? "region unknown (not positively \(region.rawValue))" : "region is \(offer.region.rawValue)"
        }
        if let tag = request.compliance, !offer.compliance.contains(tag) { return "not known to carry \(tag.rawValue)" }
        for capability in request.capabilities.sorted() where offer.supports(capability) == false {
            return "does not support \(capability.name) (the request uses it)"
        }
        // Saturating: max_tokens may be as large as JSON allows, and must not trap here.
        let (sum, overflow) = request.estimatedInputTokens.addingReportingOverflow(request.estimatedOutputTokens)
        let needed = overflow ? Int64.max : sum
        if let context = offer.contextLength, Int64(context) < needed {
            return "context \(context) tokens < \(needed) needed"
        }
        if let currency = request.currency, offer.price.currency != currency {
            return "priced in \(offer.price.currency), not \(currency)"
        }
        // Caps and budget compare in the request's currency: USD unless it names another.
        let unit = request.currency ?? "USD"
        let compared = request.currency == nil ? offer.price.inUSD(rates)?.price : offer.price
        for (side, cap, value) in [
            ("input", request.maxInputPrice, compared?.input), ("output", request.maxOutputPrice, compared?.output),
        ] {
            guard let cap else { continue }
            let native = side == "input" ? offer.price.input : offer.price.output
            guard native.amount != nil else { return "\(side) price unknown (cap set)" }
            guard let amount = value?.amount else {
                return
                    "\(side) price in \(offer.price.currency) with no stored \(offer.price.currency)/USD rate (cap set)"
            }
            if amount > cap {
                return "\(side) price \(amount.usdPerMillionTokensText) > cap \(cap.usdPerMillionTokensText) \(unit)/M"
                    + (offer.price.currency == unit ? "" : " (converted from \(offer.price.currency))")
            }
        }
        let nativeCost = cost(offer, request)
        if nativeCost == nil, offer.price.billing == .token, !request.allowUnpriced, request.policy == .cheapest {
            return "price unknown (use --allow-unpriced)"
        }
        if let budget = request.maxCost {
            guard let nativeCost else { return "price unknown, cannot check the budget" }
            guard let expected = request.currency == nil ? offer.price.usdCost(nativeCost, rates)?.cost : nativeCost
            else {
                return "priced in \(offer.price.currency) with no stored rate, cannot check the budget"
            }
            if expected > budget {
                return
                    "expected cost \(expected.roundedNanoUSD) nano-\(unit) > budget \(budget.roundedNanoUSD) nano-\(unit)"
            }
        }
        if !request.includeStale, isStale(offer) {
            return "stale (last refreshed \(Timestamp.iso8601(ms: offer.refreshedAt)))"
        }
        if isOpen(offer) { return "circuit open after repeated failures" }
        return nil
    }

    /// Expected cost at the request's token estimate, in the offer's currency; `nil` when unknown.
    static func cost(_ offer: Offer, _ request: RouteRequest) -> PicoUSD? {
        offer.price.cost(inputTokens: request.estimatedInputTokens, outputTokens: request.estimatedOutputTokens)
    }

    /// The `cheapest` order: expected cost in USD (another currency converted with
    /// `rates`), or natively when the request names a currency; then priced offers that
    /// cannot be converted; unknown prices last. `nil` when equal.
    static func compareCost(_ a: Offer, _ b: Offer, _ request: RouteRequest, _ rates: ExchangeRates?) -> Bool? {
        func key(_ offer: Offer) -> (tier: Int, cost: Int64) {
            guard let native = cost(offer, request) else { return (2, 0) }
            if request.currency != nil { return (0, native.value) }
            guard let usd = offer.price.usdCost(native, rates) else { return (1, 0) }
            return (0, usd.cost.value)
        }
        let (ka, kb) = (key(a), key(b))
        if ka.tier != kb.tier { return ka.tier < kb.tier }
        return ka.cost == kb.cost ? nil : ka.cost < kb.cost
    }

    /// Orders known values ascending, unknown last; `nil` when equal.
    static func compare<T: Comparable>(_ a: T?, _ b: T?) -> Bool? {
        switch (a, b) {
        case (let x?, let y?): return x == y ? nil : x < y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return nil
        }
    }

    static func tieBreak(_ a: Offer, _ b: Offer, _ order: [String: Int]) -> Bool {
        let (oa, ob) = (order[a.provider] ?? Int.max, order[b.provider] ?? Int.max)
        if oa != ob { return oa < ob }
        if a.servedBy != b.servedBy { return a.servedBy < b.servedBy }
        return a.model < b.model
    }
}

/// Identifies one offer: provider, serving endpoint, model.
public struct OfferKey: Sendable, Hashable {
    /// The provider's registry key.
    public var provider: String
    /// Who serves the model behind the provider (the provider itself when direct).
    public var servedBy: String
    /// The model id as the provider names it.
    public var model: String

    /// The key of an offer.
    public init(_ offer: Offer) {
        provider = offer.provider
        servedBy = offer.servedBy
        model = offer.model
    }

    /// A key.
    public init(provider: String, servedBy: String, model: String) {
        self.provider = provider
        self.servedBy = servedBy
        self.model = model
    }
}
