import ProviderInterface

/// The filters of `broker market`, by name, turned into a ``MarketQuery``: shared by the CLI
/// (from its flags) and `GET /v1/marketplace/offers` (from the query string), so both accept
/// the same filters with the same meaning.
public struct MarketFilters: Sendable, Hashable {
    /// `--provider` / `provider` (repeatable).
    public var providers: [String] = []
    /// `--served-by` / `served_by`.
    public var servedBy: String?
    /// `--task` / `task` (chat = conversational).
    public var task: String?
    /// `--region` / `region`.
    public var region: String?
    /// `--compliance` / `compliance`.
    public var compliance: String?
    /// `--model` / `model`: a case-insensitive substring (aliases resolved).
    public var model: String?
    /// `--max-input-price` / `max_input_price`, USD per million tokens.
    public var maxInputPrice: String?
    /// `--max-output-price` / `max_output_price`, USD per million tokens.
    public var maxOutputPrice: String?
    /// `--currency` / `currency`: only offers priced in this currency, compared natively
    /// (the price caps are then in it too).
    public var currency: String?
    /// `--sort` / `sort`: price, context or model.
    public var sort: String?
    /// `--limit` / `limit`.
    public var limit: String?
    /// `--include-stale` / `include_stale`.
    public var includeStale = false
    /// `--supports` / `supports`: a comma list of capabilities (tools, json-schema, vision).
    public var supports: String?

    /// No filters.
    public init() {}

    /// Filters from URL query items (names with `_`, e.g. `max_input_price`; flags true
    /// when given as `1`, `true` or empty).
    public init(queryItems: [(name: String, value: String)]) {
        for (name, value) in queryItems {
            switch name {
            case "provider": providers.append(value)
            case "served_by": servedBy = value
            case "task": task = value
            case "region": region = value
            case "compliance": compliance = value
            case "model": model = value
            case "max_input_price": maxInputPrice = value
            case "max_output_price": maxOutputPrice = value
            case "sort": sort = value
            case "currency": currency = value
            case "limit": limit = value
            case "include_stale": includeStale = value.isEmpty || value == "1" || value == "true"
            case "supports": supports = value
            default: break
            }
        }
    }

    /// The query at `nowMs` over `registry`'s refresh intervals.
    /// - Throws: ``MarketFilterError`` naming the filter (`region`) and what it accepts.
    public func query(registry: Registry, nowMs: Int64) throws(MarketFilterError) -> MarketQuery {
        var query = MarketQuery(nowMs: nowMs)
        query.providers = providers.filter { !$0.isEmpty }
        query.servedBy = servedBy.flatMap { $0.isEmpty ? nil : $0 }
        query.task = task.flatMap { $0.isEmpty ? nil : ModelTask(userInput: $0) }
        if let r = region, !r.isEmpty {
            guard let parsed = Region(rawValue: r.lowercased()) else {
                throw MarketFilterError(
                    filter: "region", message: "must be one of \(Region.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(r)')")
            }
            query.region = parsed
        }
        query.compliance = compliance.flatMap { $0.isEmpty ? nil : ComplianceTag($0.lowercased()) }
        query.modelText = model.flatMap { $0.isEmpty ? nil : registry.resolveAlias($0) }
        if let c = currency, !c.isEmpty {
            let code = c.uppercased()
            guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw MarketFilterError(filter: "currency", message: "must be an ISO 4217 code such as USD or EUR (got '\(c)')")
            }
            query.currency = code
        }
        query.maxInputPrice = try Self.price(maxInputPrice, "max-input-price")
        query.maxOutputPrice = try Self.price(maxOutputPrice, "max-output-price")
        if let s = sort, !s.isEmpty {
            guard let parsed = MarketQuery.Sort(rawValue: s) else {
                throw MarketFilterError(filter: "sort", message: "must be price, context or model (got '\(s)')")
            }
            query.sort = parsed
        }
        query.limit = try Self.limit(limit)
        query.includeStale = includeStale
        for name in (supports ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let capability = ModelCapability(name: name) else {
                let known = ModelCapability.allCases.map(\.name).joined(separator: ", ")
                throw MarketFilterError(filter: "supports", message: "takes a comma list of \(known) (got '\(name)')")
            }
            query.supports.insert(capability)
        }
        query.refreshIntervalsMs = registry.refreshIntervalsMs
        return query
    }

    /// The `limit` filter (of offers and GPUs alike): a whole number in 1...1000000, or `nil` when not set.
    static func limit(_ text: String?) throws(MarketFilterError) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let n = Int(text), (1...1_000_000).contains(n) else {
            throw MarketFilterError(filter: "limit", message: "must be a whole number in 1...1000000 (got '\(text)')")
        }
        return n
    }

    static func price(_ text: String?, _ name: String) throws(MarketFilterError) -> PicoUSD? {
        guard let text, !text.isEmpty else { return nil }
        guard let amount = PicoUSD(decimal: text, unit: .usdPerMillionTokens), amount.value >= 0 else {
            throw MarketFilterError(
                filter: name, message: "must be a price per million tokens (USD, or --currency) such as 0.5 (got '\(text)')")
        }
        return amount
    }
}

/// A market filter with a value it does not accept.
public struct MarketFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The filter's name without dashes (`region`, `max-input-price`).
    public var filter: String
    /// What it accepts.
    public var message: String
    public var description: String { "\(filter) \(message)" }
}
