import Broker
import BrokerServe
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
        options: [
            .value("--provider", "P", "Only offers of this provider.", repeatable: true),
            .value("--served-by", "S", "Only offers served by S."),
            .value("--task", "T", "Only this task (chat = conversational)."),
            .value("--region", "R", "Only offers known to run in R (eu, uk, ch, us, apac, global, local)."),
            .value("--compliance", "TAG", "Only offers known to carry TAG (gdpr, eu-residency, zdr, local, …)."),
            .value("--model", "TEXT", "Model id or Hugging Face id contains TEXT (case-insensitive)."),
            .value("--max-input-price", "USD_PER_MTOK", "At most this input price per million tokens."),
            .value("--max-output-price", "USD_PER_MTOK", "At most this output price per million tokens."),
            .value("--currency", "CODE", "Only offers priced in CODE (EUR); caps and order then in CODE."),
            .value("--sort", "price|context|model", "Order (price: blended 3:1 input:output, unknown last)."),
            .value("--supports", "LIST", "Only offers known to support these (tools, json-schema, vision; comma list)."),
            .value("--limit", "N", "At most N offers."),
            .flag("--include-stale", "Include offers older than twice their refresh interval."),
            .flag("--history", "Show the price history of the matching models instead."),
        ]
    )

    static func run(_ context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let query = try makeQuery(context, registry: registry)
        let store = try context.openStore()
        if context.arguments.has("--history") {
            return try await PriceHistoryView.run(context, store: store, query: query)
        }
        let offers = try await store.queryOffers(query)
        let measured = try await store.measuredFigures()
        let rates = try await store.exchangeRates()
        let disputed = try await store.disputedOffers(among: offers)
        let objects = offers.map {
            OfferJSON.object(
                $0, stale: query.isStale($0), measured: measured[OfferKey($0)], rates: rates, disputed: disputed.contains(OfferKey($0)))
        }
        let rows = offers.map { offer -> [String] in
            let who = offer.servedBy == offer.provider ? offer.provider : "\(offer.provider)/\(offer.servedBy)"
            return [
                offer.model, who, offer.task.rawValue, offer.region.rawValue,
                priceCell(offer.price, input: true, rates: rates), priceCell(offer.price, input: false, rates: rates),
                offer.contextLength.map(String.init) ?? "-",
                age(offer.refreshedAt, now: query.nowMs) + (offer.curated ? "*" : "") + (query.isStale(offer) ? "!" : ""),
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

    /// The query for the flags, through the same ``MarketFilters`` that `GET /v1/marketplace/offers` uses.
    static func makeQuery(_ context: CLIContext, registry: Registry) throws(UsageError) -> MarketQuery {
        let args = context.arguments
        var filters = MarketFilters()
        filters.providers = args.all("--provider")
        filters.servedBy = args.value("--served-by")
        filters.task = args.value("--task")
        filters.region = args.value("--region")
        filters.compliance = args.value("--compliance")
        filters.model = args.value("--model")
        filters.maxInputPrice = args.value("--max-input-price")
        filters.maxOutputPrice = args.value("--max-output-price")
        filters.sort = args.value("--sort")
        filters.currency = args.value("--currency")
        filters.limit = args.value("--limit")
        filters.includeStale = args.has("--include-stale")
        filters.supports = args.value("--supports")
        do {
            return try filters.query(registry: registry, nowMs: Timestamp.nowMs())
        } catch {
            throw UsageError("--\(error.filter) \(error.message)")
        }
    }

    static func price(_ args: ParsedArguments, _ name: String) throws(UsageError) -> PicoUSD? {
        guard let text = args.value(name) else { return nil }
        guard let amount = PicoUSD(decimal: text, unit: .usdPerMillionTokens), amount.value >= 0 else {
            throw UsageError("\(name) must be a price in USD per million tokens such as 0.5 (got '\(text)')")
        }
        return amount
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
