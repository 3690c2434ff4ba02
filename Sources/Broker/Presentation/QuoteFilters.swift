import ProviderInterface

/// The request of `broker quote` (from its flags) and `POST /v1/marketplace/quote` (from its
/// JSON body), by name, turned into a ``RouteRequest`` the same way for both.
public struct QuoteFilters: Sendable, Hashable {
    /// `--model` / `model` (aliases resolved).
    public var model: String?
    /// `--input-tokens` / `input_tokens`.
    public var inputTokens: String?
    /// `--output-tokens` / `output_tokens`.
    public var outputTokens: String?
    /// `--task` / `task` (default: chat).
    public var task: String?
    /// `--region` / `region`.
    public var region: String?
    /// `--compliance` / `compliance`.
    public var compliance: String?
    /// `--provider` / `provider`: `KEY[:SERVED_BY]`.
    public var provider: String?
    /// `--currency` / `currency`: only offers priced in it; caps then in it.
    public var currency: String?
    /// `--max-input-price` / `max_input_price`, per million tokens.
    public var maxInputPrice: String?
    /// `--max-output-price` / `max_output_price`, per million tokens.
    public var maxOutputPrice: String?
    /// `--include-stale` / `include_stale`.
    public var includeStale = false

    /// No filters.
    public init() {}

    /// Filters from a JSON request body: strings, numbers or booleans under the names above.
    public init(body: JSONValue) {
        func text(_ name: String) -> String? { body[name]?.stringValue ?? body[name]?.numberText }
        model = text("model")
        inputTokens = text("input_tokens")
        outputTokens = text("output_tokens")
        task = text("task")
        region = text("region")
        compliance = text("compliance")
        provider = text("provider")
        currency = text("currency")
        maxInputPrice = text("max_input_price")
        maxOutputPrice = text("max_output_price")
        includeStale = body["include_stale"]?.boolValue ?? false
    }

    /// The route to quote over `registry`.
    /// - Throws: ``MarketFilterError`` naming the field (`input-tokens`) and what it accepts.
    public func route(registry: Registry) throws(MarketFilterError) -> RouteRequest {
        guard let model, !model.isEmpty else { throw MarketFilterError(filter: "model", message: "is required") }
        func tokens(_ text: String?, _ name: String) throws(MarketFilterError) -> Int64 {
            guard let text, let n = Int64(text), (0...1_000_000_000).contains(n) else {
                throw MarketFilterError(filter: name, message: "must be a whole number of tokens in 0...1000000000 (got '\(text ?? "")')")
            }
            return n
        }
        var route = RouteRequest(model: registry.resolveAlias(model), task: task.flatMap { $0.isEmpty ? nil : ModelTask(userInput: $0) })
        route.estimatedInputTokens = try tokens(inputTokens, "input-tokens")
        route.estimatedOutputTokens = try tokens(outputTokens, "output-tokens")
        // The market's filters, with the same checks and messages.
        var market = MarketFilters()
        market.region = region
        market.compliance = compliance
        market.currency = currency
        market.maxInputPrice = maxInputPrice
        market.maxOutputPrice = maxOutputPrice
        let query = try market.query(registry: registry, nowMs: 0)
        route.region = query.region
        route.compliance = query.compliance
        route.currency = query.currency
        route.maxInputPrice = query.maxInputPrice
        route.maxOutputPrice = query.maxOutputPrice
        if let pin = provider, !pin.isEmpty {
            let parts = pin.split(separator: ":", maxSplits: 1).map(String.init)
            guard let key = parts.first, registry.entry(key) != nil else {
                throw MarketFilterError(filter: "provider", message: "'\(pin)' names no provider in the registry")
            }
            route.provider = key
            route.servedBy = parts.count > 1 ? parts[1] : nil
        }
        route.includeStale = includeStale
        return route
    }
}
