import Broker
import ProviderInterface

/// `broker market`: queries the store.
enum MarketCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["market"],
        abstract: "Query the marketplace: offers by provider, task, region and price.",
        discussion: """
            Prices are USD per million tokens, printed exactly; unknown prices print as '?' (null in
            JSON) and are never treated as free. A price published in another currency (EUR) is kept
            as published (currency, input_per_mtok, output_per_mtok in JSON) and its USD figures are
            converted with the stored European Central Bank rate (price_basis ecb:DATE); with no rate
            stored they print as the native price with its currency, and price caps and the price
            order (which compare USD) cannot include it. --currency EUR shows only offers priced in
            euros, with caps and order in euros. Region and compliance filters match only offers
            positively known to qualify. Offers older than twice their provider's refresh interval
            are stale and hidden unless --include-stale. --history shows each recorded price change
            of the models that match instead.
            """,
        options: Options.options
    )

    /// `market`'s options: the listing, the offer filters, and the market's own.
    struct Options: OptionGroup {
        static let servedBy = Option<String>.text("--served-by", "S", "Only offers served by S.")
        static let model = Option<String>.text(
            "--model", "TEXT", "Model id or Hugging Face id contains TEXT (case-insensitive).")
        static let sort = Option<MarketQuery.Sort>(
            "--sort", "price|context|model", "Order (price: blended 3:1 input:output, unknown last).", default: "price",
            filter: MarketFilters.sort)
        static let supports = Option<Set<ModelCapability>>(
            "--supports", "LIST", "Only offers known to support these (tools, json-schema, vision; comma list).",
            filter: MarketFilters.supports)
        static let history = Flag("--history", "Show the price history of the matching models instead.")

        static let options =
            [ListingOptions.provider.spec, servedBy.spec, model.spec] + OfferFilterOptions.options
            + [sort.spec, supports.spec, ListingOptions.limit.spec, history.spec]

        var listing: ListingOptions
        var filters: OfferFilterOptions
        var servedBy: String?
        var model: String?
        var sort: MarketQuery.Sort?
        var supports: Set<ModelCapability>
        var history: Bool

        init(parsing arguments: ParsedArguments) throws(UsageError) {
            listing = try ListingOptions(parsing: arguments)
            filters = try OfferFilterOptions(parsing: arguments)
            servedBy = try arguments.value(Self.servedBy)
            model = try arguments.value(Self.model)
            sort = try arguments.value(Self.sort)
            supports = try arguments.value(Self.supports) ?? []
            history = arguments.has(Self.history)
        }
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let query = makeQuery(options, registry: registry)
        let store = try context.openStore()
        if options.history {
            return try await PriceHistoryView.run(context, store: store, query: query)
        }
        let offers = try await store.queryOffers(query)
        let measured = try await store.measuredFigures()
        let rates = try await store.exchangeRates()
        let disputed = try await store.disputedOffers(among: offers)
        let objects = offers.map {
            OfferJSON.object(
                $0, stale: query.isStale($0), measured: measured[OfferKey($0)], rates: rates,
                disputed: disputed.contains(OfferKey($0)))
        }
        let rows = offers.map { offer -> [String] in
            let who = offer.servedBy == offer.provider ? offer.provider : "\(offer.provider)/\(offer.servedBy)"
            return [
                offer.model, who, offer.task.rawValue, offer.region.rawValue,
                priceCell(offer.price, input: true, rates: rates), priceCell(offer.price, input: false, rates: rates),
                offer.contextLength.map(String.init) ?? "-",
                age(offer.refreshedAt, now: query.nowMs) + (offer.curated ? "*" : "")
                    + (query.isStale(offer) ? "!" : ""),
            ]
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: ["MODEL", "PROVIDER", "TASK", "REGION", "$/M IN", "$/M OUT", "CONTEXT", "AGE"], rows: rows,
                rightAligned: [4, 5, 6, 7]),
            emptyNote: "no offers match (run 'broker refresh' to fill the marketplace, or relax the filters)")
        if context.format == .table, let foreign = offers.first(where: { !$0.price.isUSD }) {
            let basis = rates.map { "the ECB rate of \($0.date)" } ?? "no stored rate (refresh the ecb entry)"
            context.err(
                "~ \(foreign.price.currency) price converted to USD with \(basis); price caps and --sort price compare USD"
                    + " (--currency \(foreign.price.currency) compares natively)")
        }
        if context.format == .table, offers.contains(where: \.curated) {
            context.err("* curated price table from the registry (see 'broker providers' for the date it was taken)")
        }
        return ExitCode.success
    }

    /// The query for the options, through the same ``MarketFilters`` that `GET /v1/marketplace/offers` uses.
    static func makeQuery(_ options: Options, registry: Registry) -> MarketQuery {
        var filters = MarketFilters()
        filters.providers = options.listing.providers
        filters.servedBy = options.servedBy
        filters.model = options.model
        options.filters.apply(to: &filters)
        filters.sort = options.sort
        filters.limit = options.listing.limit
        filters.supports = options.supports
        return filters.query(registry: registry, nowMs: Timestamp.nowMs())
    }

    /// A price cell in USD per million tokens: converted (marked `~`) for another currency
    /// with a stored rate, else the native price with its currency.
    static func priceCell(_ native: OfferPrice, input: Bool, rates: ExchangeRates? = nil) -> String {
        guard native.billing == .token else { return input ? native.billing.rawValue : "" }
        let shown = native.inUSD(rates)?.price ?? native
        let value = input ? shown.input : shown.output
        guard let amount = value.amount else { return "?" }
        if amount.value == 0 { return "free" }
        if !shown.isUSD { return "\(amount.usdPerMillionTokensText) \(shown.currency)" }
        return (native.isUSD ? "" : "~") + amount.usdPerMillionTokensText
    }

    static func age(_ refreshedAt: Int64, now: Int64) -> String {
        let seconds = max(0, (now - refreshedAt) / 1000)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }
}
