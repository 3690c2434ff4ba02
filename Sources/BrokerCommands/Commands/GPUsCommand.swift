import Broker
import ProviderInterface

/// `broker gpus`: GPU compute offers from the store.
enum GPUsCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["gpus"],
        abstract: "GPU compute offers: instances, pods, marketplace hosts and managed endpoints by GPU, region and price.",
        discussion: """
            Prices are per instance-hour (and per GPU-hour) in the offer's own currency, printed
            exactly; USD is added for other currencies with the stored European Central Bank rate
            (labelled ecb:DATE; '?' without a rate). --max-hourly and the price order compare in
            --currency through that rate. --gpu H100 also matches H100-SXM, H100-PCIE and H100-NVL.
            Region and compliance filters match only offers positively known to qualify; --region
            also takes a country code (DE). Offers of sources older than twice their refresh
            interval are stale and hidden unless --include-stale.
            """,
        options: [
            .value("--gpu", "NAME", "Only this GPU model or its variants (H100, A100-80GB, L40S, RTX4090)."),
            .value("--min-gpus", "N", "At least N GPUs per instance."),
            .value("--min-gpu-memory", "GIB", "At least GIB of memory per GPU."),
            .value("--region", "R", "Only offers known to run in R (eu, uk, ch, us, apac) or country R (DE)."),
            .value("--compliance", "TAG", "Only offers known to carry TAG (gdpr, eu-residency)."),
            .value("--max-hourly", "PRICE", "At most PRICE per instance-hour, in --currency."),
            .value("--currency", "USD|EUR", "The currency of --max-hourly and of the price order (default USD)."),
            .value("--pricing", "on-demand|spot|bid|any", "Only this pricing model (default any)."),
            .value("--provider", "KEY", "Only offers of this provider or source.", repeatable: true),
            .value("--sort", "price|price-per-gpu|gpu-memory", "Order (default price; unknown prices last)."),
            .value("--limit", "N", "At most N offers."),
            .flag("--include-stale", "Include offers of sources older than twice their refresh interval."),
        ]
    )

    static func run(_ context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let query = try makeQuery(context, registry: registry)
        let store = try context.openStore()
        let offers: [ComputeMarketOffer]
        let converter: CurrencyConverter?
        do {
            offers = try await store.queryComputeOffers(query)
            converter = try await store.exchangeRates().map(CurrencyConverter.init(rates:))
        } catch {
            throw CommandFailure(ExitCode.failure, "cannot read the store \(context.storePath): \(error)")
        }
        let objects = offers.map { ComputeOfferJSON.object($0, stale: query.isStale($0), converter: converter) }
        let rows = zip(offers, objects).map { market, object -> [String] in
            let offer = market.offer
            return [
                offer.gpuModel, "\(offer.gpuCount)", offer.gpuMemoryGiB.map { "\($0)" } ?? "?", offer.provider,
                offer.instanceType, offer.region.region == .unknown ? "?" : offer.region.region.rawValue, offer.location,
                offer.pricingModel.rawValue, money(object["price_per_hour"], offer.currency),
                money(object["price_per_gpu_hour"], offer.currency),
                offer.currency == "USD" ? "" : money(object["usd_per_hour"], "USD"),
                MarketCommand.age(market.refreshedAt, now: query.nowMs) + (query.isStale(market) ? "!" : ""),
            ]
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: ["GPU", "N", "GIB", "PROVIDER", "INSTANCE", "REGION", "LOCATION", "PRICING", "/HOUR", "/GPU-HOUR", "USD/HOUR", "AGE"],
                rows: rows, rightAligned: [1, 2, 8, 9, 10, 11]),
            emptyNote: "no GPU offers match (run 'broker refresh' to fill the marketplace, or relax the filters)")
        if context.format == .table, let converter, offers.contains(where: { $0.offer.currency != "USD" }) {
            context.err("USD/HOUR converted with the \(converter.rates.basis) reference rate")
        }
        return ExitCode.success
    }

    /// The query for the flags, through the same ``ComputeFilters`` that `GET /v1/marketplace/gpus` uses.
    static func makeQuery(_ context: CLIContext, registry: Registry) throws(UsageError) -> ComputeQuery {
        let args = context.arguments
        var filters = ComputeFilters()
        filters.gpu = args.value("--gpu")
        filters.minGPUs = args.value("--min-gpus")
        filters.minGPUMemory = args.value("--min-gpu-memory")
        filters.region = args.value("--region")
        filters.compliance = args.value("--compliance")
        filters.maxHourly = args.value("--max-hourly")
        filters.currency = args.value("--currency")
        filters.pricing = args.value("--pricing")
        filters.providers = args.all("--provider")
        filters.sort = args.value("--sort")
        filters.limit = args.value("--limit")
        filters.includeStale = args.has("--include-stale")
        do {
            return try filters.query(registry: registry, nowMs: Timestamp.nowMs())
        } catch {
            throw UsageError("--\(error.filter) \(error.message)")
        }
    }

    /// `$2.327`, `€1.4`: the exact decimal with its currency sign; `?` when unknown.
    static func money(_ value: JSONValue?, _ currency: String) -> String {
        guard let text = value?.numberText else { return "?" }
        let symbol = currency == "USD" ? "$" : currency == "EUR" ? "€" : currency + " "
        return symbol + text
    }
}
