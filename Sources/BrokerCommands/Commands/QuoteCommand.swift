import Broker
import ProviderInterface

/// `broker quote`: the exact cost of a request on every fitting offer.
enum QuoteCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["quote"],
        abstract:
            "The exact cost of a request on every offer that fits; with --tokens-per-day, renting GPUs against calling.",
        discussion: """
            Offers are filtered as 'broker run' filters them and listed cheapest first, as the cheapest
            policy would try them: in USD, a price in another currency converted with the stored ECB rate
            (price_basis ecb:DATE), then priced offers with no rate, then unknown prices. Each cost is
            exact in the offer's own currency (cost, cost_nano) and in USD (cost_usd, cost_nano_usd, or
            null without a rate). Exit 69 when no offer fits.

            \(RentOrCallQuote.discussion)
            """,
        options: Options.options
    )

    /// `quote`'s options: the request's size, its filters, and the rent-or-call form's.
    struct Options: OptionGroup {
        static let inputTokens = Option<Int64>("--input-tokens", "N", "Input (prompt) tokens.") {
            text throws(MarketFilterError) in
            try QuoteFilters.tokens(text, "input-tokens")
        }
        static let outputTokens = Option<Int64>("--output-tokens", "K", "Output (completion) tokens.") {
            text throws(MarketFilterError) in try QuoteFilters.tokens(text, "output-tokens")
        }
        static let options =
            [RunOptions.model.spec, inputTokens.spec, outputTokens.spec, RoutingOptions.provider.spec]
            + OfferFilterOptions.options
            + RentOrCallQuote.Options.options

        /// The model, as given (aliases resolve against the registry).
        var model: String?
        /// The one-request quote, typed (`QuoteFilters` checks what is required).
        var filters = QuoteFilters()
        /// The offer filters (rent or call applies region and compliance to both sides).
        var offerFilters: OfferFilterOptions
        /// The rent-or-call form's options; it runs when `tokensPerDay` is set.
        var rentOrCall: RentOrCallQuote.Options

        init(parsing arguments: ParsedArguments) throws(UsageError) {
            model = try arguments.value(RunOptions.model)
            offerFilters = try OfferFilterOptions(parsing: arguments)
            rentOrCall = try RentOrCallQuote.Options(parsing: arguments)
            if rentOrCall.tokensPerDay == nil,
                let given = RentOrCallQuote.Options.options.first(where: { arguments.isGiven($0) })
            {
                throw UsageError("\(given.name) needs --tokens-per-day (the rent-or-call quote)")
            }
            filters.model = model
            filters.inputTokens = try arguments.value(Self.inputTokens)
            filters.outputTokens = try arguments.value(Self.outputTokens)
            filters.task = offerFilters.task
            filters.provider = try arguments.value(RoutingOptions.provider)
            offerFilters.apply(to: &filters.market)
        }
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        if options.rentOrCall.tokensPerDay != nil { return try await RentOrCallQuote.run(options, context: context) }
        let registry = try context.loadRegistry()
        let route: RouteRequest
        do {
            route = try options.filters.route(registry: registry)
        } catch {
            throw UsageError("--\(error.filter) \(error.message)")
        }
        let store = try context.openStore()
        let (lines, plan) = try await Quoter.quote(route, store: store, registry: registry, nowMs: Timestamp.nowMs())
        guard !lines.isEmpty else {
            context.err(RunOutput.noOfferMessage(route, plan))
            return ExitCode.noOffer
        }
        let objects = lines.map {
            QuoteJSON.object($0, inputTokens: route.estimatedInputTokens, outputTokens: route.estimatedOutputTokens)
        }
        let rows = lines.map { line -> [String] in
            let who =
                line.offer.servedBy == line.offer.provider
                ? line.offer.provider : "\(line.offer.provider)/\(line.offer.servedBy)"
            let native =
                line.cost.map { DecimalText.format($0.value, fractionDigits: 12) + " " + line.offer.price.currency }
                ?? "?"
            let usd = line.costUSD.map { "$" + DecimalText.format($0.value, fractionDigits: 12) } ?? "?"
            return [
                line.offer.model, who, line.offer.region.rawValue, native, line.offer.price.isUSD ? "" : usd,
                line.priceBasis ?? "-",
            ]
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: ["MODEL", "PROVIDER", "REGION", "COST", "AS USD", "BASIS"], rows: rows, rightAligned: [3, 4]),
            emptyNote: "no offer fits")
        return ExitCode.success
    }
}
