import Broker
import ProviderInterface

/// What an offer must be to count, for `market`, `quote`, `run` and `batch`: task, region,
/// compliance, currency, price caps and staleness. The checks are ``MarketFilters``'s, the
/// same as the HTTP API's.
struct OfferFilterOptions: OptionGroup {
    static let task = Option<ModelTask>(
        "--task", "T", "Only offers for task T (chat = conversational; run and batch send chat when not given).",
        expected: "a task such as chat or text-to-image"
    ) { $0.isEmpty ? nil : ModelTask(userInput: $0) }
    static let region = Option<Region>(
        "--region", "R", "Only offers known to run in R (eu, uk, ch, us, apac, global, local).",
        filter: MarketFilters.region)
    static let compliance = Option<ComplianceTag>(
        "--compliance", "TAG", "Only offers known to carry TAG (gdpr, eu-residency, zdr, local, …).",
        expected: "a tag such as gdpr"
    ) { $0.isEmpty ? nil : MarketFilters.compliance($0) }
    static let currency = Option<String>(
        "--currency", "CODE", "Only offers priced in CODE (EUR); price caps, order and budget are then in CODE.",
        filter: MarketFilters.currency)
    static let maxInputPrice = Option<PicoUSD>(
        "--max-input-price", "USD_PER_MTOK", "At most this input price per million tokens (USD, or --currency)."
    ) { text throws(MarketFilterError) in try MarketFilters.price(text, "max-input-price") }
    static let maxOutputPrice = Option<PicoUSD>(
        "--max-output-price", "USD_PER_MTOK", "At most this output price per million tokens (USD, or --currency)."
    ) { text throws(MarketFilterError) in try MarketFilters.price(text, "max-output-price") }
    static let includeStale = Flag("--include-stale", "Include offers older than twice their refresh interval.")

    static let options = [
        task.spec, region.spec, compliance.spec, currency.spec, maxInputPrice.spec, maxOutputPrice.spec,
        includeStale.spec,
    ]

    var task: ModelTask?
    var region: Region?
    var compliance: ComplianceTag?
    var currency: String?
    var maxInputPrice: PicoUSD?
    var maxOutputPrice: PicoUSD?
    var includeStale = false

    init() {}

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        task = try arguments.value(Self.task)
        region = try arguments.value(Self.region)
        compliance = try arguments.value(Self.compliance)
        currency = try arguments.value(Self.currency)
        maxInputPrice = try arguments.value(Self.maxInputPrice)
        maxOutputPrice = try arguments.value(Self.maxOutputPrice)
        includeStale = arguments.has(Self.includeStale)
    }

    /// The filters on a route (the task is the request's, set with it).
    func apply(to route: inout RouteRequest) {
        route.region = region
        route.compliance = compliance
        route.currency = currency
        route.maxInputPrice = maxInputPrice
        route.maxOutputPrice = maxOutputPrice
        route.includeStale = includeStale
    }

    /// The filters on the market's.
    func apply(to filters: inout MarketFilters) {
        filters.task = task
        filters.region = region
        filters.compliance = compliance
        filters.currency = currency
        filters.maxInputPrice = maxInputPrice
        filters.maxOutputPrice = maxOutputPrice
        filters.includeStale = includeStale
    }
}
