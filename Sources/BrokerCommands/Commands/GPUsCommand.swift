import Broker
import ProviderInterface

/// `broker gpus`: GPU compute offers from the store.
enum GPUsCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["gpus"],
        abstract:
            "GPU compute offers: instances, pods, marketplace hosts and managed endpoints by GPU, region and price.",
        discussion: """
            Prices are per instance-hour (and per GPU-hour) in the offer's own currency, printed
            exactly; USD is added for other currencies with the stored European Central Bank rate
            (labelled ecb:DATE; '?' without a rate). --max-hourly and the price order compare in
            --currency through that rate. --gpu H100 also matches H100-SXM, H100-PCIE and H100-NVL.
            Region and compliance filters match only offers positively known to qualify; --region
            also takes a country code (DE). Offers of sources older than twice their refresh
            interval are stale and hidden unless --include-stale.
            """,
        options: Options.options
    )

    /// `gpus`' options; the checks are ``ComputeFilters``'s, the same as `GET /v1/marketplace/gpus`'s.
    struct Options: OptionGroup {
        static let gpu = Option<String>.text(
            "--gpu", "NAME", "Only this GPU model or its variants (H100, A100-80GB, L40S, RTX4090).")
        static let minGPUs = Option<Int>("--min-gpus", "N", "At least N GPUs per instance.") {
            text throws(MarketFilterError) in
            try ComputeFilters.whole(text, "min-gpus")
        }
        static let minGPUMemory = Option<Int>("--min-gpu-memory", "GIB", "At least GIB of memory per GPU.") {
            text throws(MarketFilterError) in try ComputeFilters.whole(text, "min-gpu-memory")
        }
        static let region = Option<ComputeFilters.Place>(
            "--region", "R", "Only offers known to run in R (eu, uk, ch, us, apac) or country R (DE).",
            filter: ComputeFilters.place)
        static let maxHourly = Option<Int64>(
            "--max-hourly", "PRICE", "At most PRICE per instance-hour, in --currency.", filter: ComputeFilters.hourly)
        static let currency = Option<String>(
            "--currency", "USD|EUR", "The currency of --max-hourly and of the price order.", default: "USD",
            filter: ComputeFilters.currency)
        static let pricing = Option<ComputePricingModel?>(
            "--pricing", "on-demand|spot|bid|any", "Only this pricing model.", default: "any",
            filter: ComputeFilters.pricing)
        static let sort = Option<ComputeQuery.Sort>(
            "--sort", "price|price-per-gpu|gpu-memory", "Order (unknown prices last).", default: "price",
            filter: ComputeFilters.sort)

        static let options = [
            gpu.spec, minGPUs.spec, minGPUMemory.spec, region.spec, OfferFilterOptions.compliance.spec, maxHourly.spec,
            currency.spec,
            pricing.spec, ListingOptions.provider.spec, sort.spec, ListingOptions.limit.spec,
            OfferFilterOptions.includeStale.spec,
        ]

        /// The filters, typed.
        var filters = ComputeFilters()

        init(parsing arguments: ParsedArguments) throws(UsageError) {
            filters.gpu = try arguments.value(Self.gpu)
            filters.minGPUs = try arguments.value(Self.minGPUs)
            filters.minGPUMemory = try arguments.value(Self.minGPUMemory)
            filters.region = try arguments.value(Self.region)
            filters.compliance = try arguments.value(OfferFilterOptions.compliance)
            filters.maxHourly = try arguments.value(Self.maxHourly)
            filters.currency = try arguments.value(Self.currency)
            filters.pricing = try arguments.value(Self.pricing) ?? nil
            let listing = try ListingOptions(parsing: arguments)
            filters.providers = listing.providers
            filters.sort = try arguments.value(Self.sort)
            filters.limit = listing.limit
            filters.includeStale = arguments.has(OfferFilterOptions.includeStale)
        }
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let query = options.filters.query(registry: registry, nowMs: Timestamp.nowMs())
        let store = try context.openStore()
        let offers: [ComputeMarketOffer]
        let converter: CurrencyConverter?
        do {
            offers = try await store.queryComputeOffers(query)
            converter = try await store.exchangeRates().map(CurrencyConverter.init(rates:))
        } catch {
            throw CommandFailure(ExitCode.failure, "cannot read the store \(context.storeName): \(error)")
        }
        let objects = offers.map { ComputeOfferJSON.object($0, stale: query.isStale($0), converter: converter) }
        let rows = zip(offers, objects).map { market, object -> [String] in
            let offer = market.offer
            return [
                offer.gpuModel, "\(offer.gpuCount)", offer.gpuMemoryGiB.map { "\($0)" } ?? "?", offer.provider,
                offer.instanceType, offer.region.region == .unknown ? "?" : offer.region.region.rawValue,
                offer.location,
                offer.pricingModel.rawValue, money(object["price_per_hour"], offer.currency),
                money(object["price_per_gpu_hour"], offer.currency),
                offer.currency == "USD" ? "" : money(object["usd_per_hour"], "USD"),
                MarketCommand.age(market.refreshedAt, now: query.nowMs) + (query.isStale(market) ? "!" : ""),
            ]
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: [
                    "GPU", "N", "GIB", "PROVIDER", "INSTANCE", "REGION", "LOCATION", "PRICING", "/HOUR", "/GPU-HOUR",
                    "USD/HOUR", "AGE",
                ],
                rows: rows, rightAligned: [1, 2, 8, 9, 10, 11]),
            emptyNote: "no GPU offers match (run 'broker refresh' to fill the marketplace, or relax the filters)")
        if context.format == .table, let converter, offers.contains(where: { $0.offer.currency != "USD" }) {
            context.err("USD/HOUR converted with the \(converter.rates.basis) reference rate")
        }
        return ExitCode.success
    }

    /// `$2.327`, `€1.4`: the exact decimal with its currency sign; `?` when unknown.
    static func money(_ value: JSONValue?, _ currency: String) -> String {
        guard let text = value?.numberText else { return "?" }
        let symbol = currency == "USD" ? "$" : currency == "EUR" ? "€" : currency + " "
        return symbol + text
    }
}
