import Broker
import ProviderInterface

/// `broker quote`: the exact cost of a request on every fitting offer.
enum QuoteCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["quote"],
        abstract: "The exact cost of a request on every offer that fits; with --tokens-per-day, renting GPUs against calling.",
        discussion: """
            Offers are filtered as 'broker run' filters them and listed cheapest first, as the cheapest
            policy would try them: in USD, a price in another currency converted with the stored ECB rate
            (price_basis ecb:DATE), then priced offers with no rate, then unknown prices. Each cost is
            exact in the offer's own currency (cost, cost_nano) and in USD (cost_usd, cost_nano_usd, or
            null without a rate). Exit 69 when no offer fits.

            \(RentOrCallQuote.discussion)
            """,
        options: [
            .value("--model", "M", "The model id, Hugging Face id or alias."),
            .value("--input-tokens", "N", "Input (prompt) tokens."),
            .value("--output-tokens", "K", "Output (completion) tokens."),
            .value("--task", "T", "The task (default chat)."),
            .value("--provider", "KEY[:SERVED_BY]", "Only this provider (and serving endpoint)."),
            .value("--region", "R", "Only offers known to run in region R."),
            .value("--compliance", "TAG", "Only offers known to carry TAG."),
            .value("--currency", "CODE", "Only offers priced in CODE (EUR); caps and order then in CODE."),
            .value("--max-input-price", "PER_MTOK", "At most this input price per million tokens (USD, or --currency)."),
            .value("--max-output-price", "PER_MTOK", "At most this output price per million tokens (USD, or --currency)."),
            .flag("--include-stale", "Include offers older than twice their refresh interval."),
        ] + RentOrCallQuote.options
    )

    static func run(_ context: CLIContext) async throws -> Int32 {
        let args = context.arguments
        if args.value("--tokens-per-day") != nil { return try await RentOrCallQuote.run(context) }
        if let option = RentOrCallQuote.options.first(where: { args.value($0.name) != nil }) {
            throw UsageError("\(option.name) needs --tokens-per-day (the rent-or-call quote)")
        }
        let registry = try context.loadRegistry()
        var filters = QuoteFilters()
        filters.model = args.value("--model")
        filters.inputTokens = args.value("--input-tokens")
        filters.outputTokens = args.value("--output-tokens")
        filters.task = args.value("--task")
        filters.provider = args.value("--provider")
        filters.region = args.value("--region")
        filters.compliance = args.value("--compliance")
        filters.currency = args.value("--currency")
        filters.maxInputPrice = args.value("--max-input-price")
        filters.maxOutputPrice = args.value("--max-output-price")
        filters.includeStale = args.has("--include-stale")
        let route: RouteRequest
        do {
            route = try filters.route(registry: registry)
        } catch {
            throw UsageError("--\(error.filter) \(error.message)")
        }
        let store = try context.openStore()
        let (lines, plan) = try await Quoter.quote(route, store: store, registry: registry, nowMs: Timestamp.nowMs())
        guard !lines.isEmpty else {
            context.err(RunOutput.noOfferMessage(route, plan))
            return ExitCode.noOffer
        }
        let objects = lines.map { QuoteJSON.object($0, inputTokens: route.estimatedInputTokens, outputTokens: route.estimatedOutputTokens) }
        let rows = lines.map { line -> [String] in
            let who = line.offer.servedBy == line.offer.provider ? line.offer.provider : "\(line.offer.provider)/\(line.offer.servedBy)"
            let native = line.cost.map { DecimalText.format($0.value, fractionDigits: 12) + " " + line.offer.price.currency } ?? "?"
            let usd = line.costUSD.map { "$" + DecimalText.format($0.value, fractionDigits: 12) } ?? "?"
            return [line.offer.model, who, line.offer.region.rawValue, native, line.offer.price.isUSD ? "" : usd, line.priceBasis ?? "-"]
        }
        context.emit(
            objects,
            table: ResultTable(columns: ["MODEL", "PROVIDER", "REGION", "COST", "AS USD", "BASIS"], rows: rows, rightAligned: [3, 4]),
            emptyNote: "no offer fits")
        return ExitCode.success
    }
}
