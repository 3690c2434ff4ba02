import ProviderInterface

/// The filters of `broker market`, typed, turned into a ``MarketQuery``: shared by the CLI
/// (from its typed options) and `GET /v1/marketplace/offers` (from the query string), so both
/// accept the same filters with the same checks and meaning. The static parsers are the one
/// definition of each filter's check; the CLI's option declarations call them too.
public struct MarketFilters: Sendable, Hashable {
    /// `--provider` / `provider` (repeatable).
    public var providers: [String] = []
    /// `--served-by` / `served_by`.
    public var servedBy: String?
    /// `--task` / `task` (chat = conversational).
    public var task: ModelTask?
    /// `--region` / `region`.
    public var region: Region?
    /// `--compliance` / `compliance`.
    public var compliance: ComplianceTag?
    /// `--model` / `model`: a case-insensitive substring (aliases resolved).
    public var model: String?
    /// `--max-input-price` / `max_input_price`, per million tokens (USD, or `currency`).
    public var maxInputPrice: PicoUSD?
    /// `--max-output-price` / `max_output_price`, per million tokens (USD, or `currency`).
    public var maxOutputPrice: PicoUSD?
    /// `--currency` / `currency`: only offers priced in this currency, compared natively
    /// (the price caps are then in it too).
    public var currency: String?
    /// `--sort` / `sort`.
    public var sort: MarketQuery.Sort?
    /// `--limit` / `limit`.
    public var limit: Int?
    /// `--include-stale` / `include_stale`.
    public var includeStale = false
    /// `--supports` / `supports`: capabilities every offer must be known to have.
    public var supports: Set<ModelCapability> = []

    /// No filters.
    public init() {}

    /// Filters from URL query items (names with `_`, e.g. `max_input_price`; an empty value is
    /// no filter; flags true when given as `1`, `true` or empty).
    /// - Throws: ``MarketFilterError`` naming the filter (`region`) and what it accepts.
    public init(queryItems: [(name: String, value: String)]) throws(MarketFilterError) {
        for (name, value) in Self.filterItems(queryItems, includeStale: &includeStale) {
            switch name {
            case "provider": providers.append(value)
            case "served_by": servedBy = value
            case "task": task = ModelTask(userInput: value)
            case "region": region = try Self.region(value)
            case "compliance": compliance = Self.compliance(value)
            case "model": model = value
            case "max_input_price": maxInputPrice = try Self.price(value, "max-input-price")
            case "max_output_price": maxOutputPrice = try Self.price(value, "max-output-price")
            case "sort": sort = try Self.sort(value)
            case "currency": currency = try Self.currency(value)
            case "limit": limit = try Self.limit(value)
            case "supports": supports = try Self.supports(value)
            default: break
            }
        }
    }

    /// The query items that set a filter, of the HTTP API's market and GPU queries alike: those
    /// with a value (an empty one is no filter), and `include_stale` apart, true when given as
    /// `1`, `true` or empty.
    static func filterItems(_ queryItems: [(name: String, value: String)], includeStale: inout Bool) -> [(
        name: String, value: String
    )] {
        var items: [(name: String, value: String)] = []
        for (name, value) in queryItems {
            if name == "include_stale" {
                includeStale = value.isEmpty || value == "1" || value == "true"
            } else if !value.isEmpty {
                items.append((name, value))
            }
        }
        return items
    }

    /// The query at `nowMs` over `registry`'s refresh intervals (and aliases).
    public func query(registry: Registry, nowMs: Int64) -> MarketQuery {
        var query = MarketQuery(nowMs: nowMs)
        query.providers = providers.filter { !$0.isEmpty }
        query.servedBy = servedBy.flatMap { $0.isEmpty ? nil : $0 }
        query.task = task
        query.region = region
        query.compliance = compliance
        query.modelText = model.flatMap { $0.isEmpty ? nil : registry.resolveAlias($0) }
        query.currency = currency
        query.maxInputPrice = maxInputPrice
        query.maxOutputPrice = maxOutputPrice
        if let sort { query.sort = sort }
        query.limit = limit
        query.includeStale = includeStale
        query.supports = supports
        query.refreshIntervalsMs = registry.refreshIntervalsMs
        return query
    }

    // MARK: - The checks, one definition for the CLI and the HTTP API

    /// A region of the vocabulary (`eu`, `uk`, …; any case).
    public static func region(_ text: String) throws(MarketFilterError) -> Region {
        guard let parsed = Region(rawValue: text.lowercased()) else {
            throw MarketFilterError(
                filter: "region",
                message: "must be one of \(Region.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
        }
        return parsed
    }

    /// A compliance tag (any case; an unknown tag matches nothing).
    public static func compliance(_ text: String) -> ComplianceTag {
        ComplianceTag(text.lowercased())
    }

    /// An ISO 4217 code (any case), upper-cased.
    public static func currency(_ text: String) throws(MarketFilterError) -> String {
        let code = text.uppercased()
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw MarketFilterError(
                filter: "currency", message: "must be an ISO 4217 code such as USD or EUR (got '\(text)')")
        }
        return code
    }

    /// A price cap per million tokens, exact, not negative; `name` is the filter's (`max-input-price`).
    public static func price(_ text: String, _ name: String) throws(MarketFilterError) -> PicoUSD {
        guard let amount = PicoUSD(decimal: text, unit: .usdPerMillionTokens), amount.value >= 0 else {
            throw MarketFilterError(
                filter: name,
                message: "must be a price per million tokens (USD, or --currency) such as 0.5 (got '\(text)')")
        }
        return amount
    }

    /// The order: price, context or model.
    public static func sort(_ text: String) throws(MarketFilterError) -> MarketQuery.Sort {
        guard let parsed = MarketQuery.Sort(rawValue: text) else {
            throw MarketFilterError(filter: "sort", message: "must be price, context or model (got '\(text)')")
        }
        return parsed
    }

    /// The `limit` filter (of offers and GPUs alike): a whole number in 1...1000000.
    public static func limit(_ text: String) throws(MarketFilterError) -> Int {
        guard let n = Int(text), (1...1_000_000).contains(n) else {
            throw MarketFilterError(filter: "limit", message: "must be a whole number in 1...1000000 (got '\(text)')")
        }
        return n
    }

    /// A comma list of capabilities (tools, json-schema, vision).
    public static func supports(_ text: String) throws(MarketFilterError) -> Set<ModelCapability> {
        var result: Set<ModelCapability> = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let capability = ModelCapability(name: name) else {
                let known = ModelCapability.allCases.map(\.name).joined(separator: ", ")
                throw MarketFilterError(filter: "supports", message: "takes a comma list of \(known) (got '\(name)')")
            }
            result.insert(capability)
        }
        return result
    }
}
