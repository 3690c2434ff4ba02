import ProviderInterface

/// The request of `broker quote` (from its typed options) and `POST /v1/marketplace/quote`
/// (from its JSON body), typed, turned into a ``RouteRequest`` the same way for both.
public struct QuoteFilters: Sendable, Hashable {
    /// `--model` / `model` (aliases resolved); required.
    public var model: String?
    /// `--input-tokens` / `input_tokens`; required.
    public var inputTokens: Int64?
    /// `--output-tokens` / `output_tokens`; required.
    public var outputTokens: Int64?
    /// `--task` / `task` (default: chat).
    public var task: ModelTask?
    /// `--provider` / `provider`: `KEY[:SERVED_BY]`.
    public var provider: ProviderPin?
    /// The market's filters that a quote takes: region, compliance, currency, price caps and
    /// whether stale offers count.
    public var market = MarketFilters()

    /// No filters.
    public init() {}

    /// Filters from a JSON request body: strings, numbers or booleans under the names above
    /// (and `region`, `compliance`, `currency`, `max_input_price`, `max_output_price`, `include_stale`).
    /// - Throws: ``MarketFilterError`` naming the field and what it accepts.
    public init(body: JSONValue) throws(MarketFilterError) {
        func text(_ name: String) -> String? {
            (body[name]?.stringValue ?? body[name]?.numberText).flatMap { $0.isEmpty ? nil : $0 }
        }
        model = text("model")
        if let t = text("input_tokens") { inputTokens = try Self.tokens(t, "input-tokens") }
        if let t = text("output_tokens") { outputTokens = try Self.tokens(t, "output-tokens") }
        task = text("task").map(ModelTask.init(userInput:))
        if let t = text("provider") {
            guard let pin = ProviderPin(t) else {
                throw MarketFilterError(filter: "provider", message: "must be KEY or KEY:SERVED_BY (got '\(t)')")
            }
            provider = pin
        }
        if let t = text("region") { market.region = try MarketFilters.region(t) }
        market.compliance = text("compliance").map(MarketFilters.compliance)
        if let t = text("currency") { market.currency = try MarketFilters.currency(t) }
        if let t = text("max_input_price") { market.maxInputPrice = try MarketFilters.price(t, "max-input-price") }
        if let t = text("max_output_price") { market.maxOutputPrice = try MarketFilters.price(t, "max-output-price") }
        market.includeStale = body["include_stale"]?.boolValue ?? false
    }

    /// A token count in 0...1000000000; `name` is the filter's (`input-tokens`).
    public static func tokens(_ text: String, _ name: String) throws(MarketFilterError) -> Int64 {
        guard let n = Int64(text), (0...1_000_000_000).contains(n) else {
            throw MarketFilterError(
                filter: name, message: "must be a whole number of tokens in 0...1000000000 (got '\(text)')")
        }
        return n
    }

    /// The route to quote over `registry`.
    /// - Throws: ``MarketFilterError`` naming a required field that is missing, or a provider
    ///   the registry does not have.
    public func route(registry: Registry) throws(MarketFilterError) -> RouteRequest {
        guard let model, !model.isEmpty else { throw MarketFilterError(filter: "model", message: "is required") }
        guard let inputTokens else { throw MarketFilterError(filter: "input-tokens", message: "is required") }
        guard let outputTokens else { throw MarketFilterError(filter: "output-tokens", message: "is required") }
        var route = RouteRequest(model: registry.resolveAlias(model), task: task)
        route.estimatedInputTokens = inputTokens
        route.estimatedOutputTokens = outputTokens
        route.region = market.region
        route.compliance = market.compliance
        route.currency = market.currency
        route.maxInputPrice = market.maxInputPrice
        route.maxOutputPrice = market.maxOutputPrice
        if let pin = provider {
            guard registry.entry(pin.key) != nil else {
                throw MarketFilterError(filter: "provider", message: "'\(pin)' names no provider in the registry")
            }
            route.provider = pin.key
            route.servedBy = pin.servedBy
        }
        route.includeStale = market.includeStale
        return route
    }
}
