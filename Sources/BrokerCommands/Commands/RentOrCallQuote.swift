import Adapters
import Broker
import ProviderInterface

/// `broker quote --model M --tokens-per-day N`: rent or call — the cheapest dedicated GPU
/// offers that fit the model against the cheapest per-token offer for it.
enum RentOrCallQuote {
    /// The options only this form of `broker quote` takes.
    struct Options: OptionGroup {
        static let tokensPerDay = Option<Int64>(
            "--tokens-per-day", "N", "Rent or call: tokens a day, input and output together.",
            expected: "a whole number above 0"
        ) { text in Int64(text).flatMap { $0 > 0 ? $0 : nil } }
        static let precision = Option<String>(
            "--precision", "bf16|fp16|fp8|int8|int4", "Rent or call: weight precision.",
            expected: "one of \(RentOrCallAssumptions.milliBytes.keys.sorted().joined(separator: ", "))"
        ) { text in RentOrCallAssumptions.milliBytes[text.lowercased()] != nil ? text.lowercased() : nil }
        .defaulting(to: "bf16")
        static let headroom = Option<Int>.integer(
            "--headroom", "PERCENT", "Rent or call: GPU memory beyond the weights, in percent.", range: 0...1000
        ).defaulting(to: 20)
        static let throughputPerGPU = Option<Int>.integer(
            "--throughput-per-gpu", "TOKENS_PER_S", "Rent or call: tokens a second one GPU serves.",
            range: 1...10_000_000
        ).defaulting(to: 1_000)
        static let utilisation = Option<Int>.integer(
            "--utilisation", "PERCENT", "Rent or call: share of the day the GPUs are busy.", range: 1...100
        ).defaulting(to: 50)
        static let params = Option<Int64>(
            "--params", "N", "Rent or call: the parameter count, instead of asking the Hub.",
            expected: "a whole number above 0"
        ) { text in Int64(text).flatMap { $0 > 0 ? $0 : nil } }
        static let limit = Option<Int>.integer(
            "--limit", "N", "Rent or call: at most N dedicated options.", range: 1...1000
        )
        .defaulting(to: 5)

        static let options = [
            tokensPerDay.spec, precision.spec, headroom.spec, throughputPerGPU.spec, utilisation.spec, params.spec,
            limit.spec,
        ]

        var tokensPerDay: Int64?
        var precision: String
        var headroomPercent: Int
        var throughputPerGPU: Int
        var utilisationPercent: Int
        var parameters: Int64?
        var limit: Int

        init(parsing arguments: ParsedArguments) throws(UsageError) {
            tokensPerDay = try arguments.value(Self.tokensPerDay)
            precision = try arguments.value(Self.precision)
            headroomPercent = try arguments.value(Self.headroom)
            throughputPerGPU = try arguments.value(Self.throughputPerGPU)
            utilisationPercent = try arguments.value(Self.utilisation)
            parameters = try arguments.value(Self.params)
            limit = try arguments.value(Self.limit)
        }
    }

    /// The rule the dedicated option follows, for `--help`.
    static let discussion = """
        With --tokens-per-day (rent or call): the model's size is its parameter count from the
        Hugging Face Hub's safetensors metadata (or --params). Rule: GPU memory needed = parameters ×
        bytes per parameter of --precision (bf16/fp16 2, fp8/int8 1, int4 0.5) × (100 + --headroom)%,
        over all GPUs of one instance. An instance serves --throughput-per-gpu tokens a second per GPU
        for --utilisation percent of the day; enough instances are rented for the volume. Per-token
        cost uses the market's blended price (3 parts input to 1 part output). Only on-demand GPU
        offers with a USD price (native, or converted with the stored ECB rate) are considered. The
        break-even volume is where one instance costs what the same tokens cost per token.
        """

    static func run(_ options: QuoteCommand.Options, context: CLIContext) async throws -> Int32 {
        guard let modelText = options.model else { throw UsageError("--model is required") }
        let r = options.rentOrCall
        guard let tokens = r.tokensPerDay else { throw UsageError("--tokens-per-day is required") }
        let registry = try context.loadRegistry()
        let model = registry.resolveAlias(modelText)
        let now = Timestamp.nowMs()

        var filters = MarketFilters()
        filters.region = options.offerFilters.region
        filters.compliance = options.offerFilters.compliance
        var gpuFilters = ComputeFilters()
        if let region = options.offerFilters.region {
            do { gpuFilters.region = try ComputeFilters.place(region.rawValue) } catch {
                throw UsageError("--region \(error.message)")
            }
        }
        gpuFilters.compliance = options.offerFilters.compliance
        gpuFilters.pricing = .onDemand
        var tokenQuery = filters.query(registry: registry, nowMs: now)
        let gpuQuery = gpuFilters.query(registry: registry, nowMs: now)
        tokenQuery.modelID = model
        let store = try context.openStore()
        let tokenOffers: [Offer]
        let computeOffers: [ComputeMarketOffer]
        let converter: CurrencyConverter?
        do {
            tokenOffers = try await store.queryOffers(tokenQuery).filter { $0.price.billing == .token }
            computeOffers = try await store.queryComputeOffers(gpuQuery)
            converter = try await store.exchangeRates().map(CurrencyConverter.init(rates:))
        } catch {
            throw CommandFailure(ExitCode.failure, "cannot read the store \(context.storeName): \(error)")
        }

        let parameters: Int64
        if let given = r.parameters {
            parameters = given
        } else {
            let hfID = tokenOffers.compactMap(\.hfID).first ?? model
            let hub = registry.entries.first { $0.adapter == "huggingface" }?.urls["hub"] ?? "https://huggingface.co"
            let found: Int64?
            do {
                found = try await HubModelSize.parameters(hubURL: hub, model: hfID, transport: CurlTransport.shared)
            } catch {
                throw CommandFailure(
                    ExitCode.temporaryFailure,
                    "cannot read the size of \(hfID) from the Hub: \(error) (give it with --params)")
            }
            guard let found else {
                throw CommandFailure(
                    ExitCode.dataError, "the Hub publishes no safetensors size for \(hfID); give it with --params")
            }
            parameters = found
        }
        let assumptions = RentOrCallAssumptions(
            parameters: parameters, precision: r.precision, headroomPercent: r.headroomPercent,
            throughputPerGPU: r.throughputPerGPU,
            utilisationPercent: r.utilisationPercent)
        let plan = RentOrCallPlan(
            tokensPerDay: tokens, assumptions: assumptions, tokenOffers: tokenOffers, computeOffers: computeOffers,
            converter: converter, limit: r.limit)
        emit(plan, model: model, converter: converter, context: context)
        return plan.perToken == nil && plan.dedicated.isEmpty ? ExitCode.noOffer : ExitCode.success
    }

    static func usd(_ pico: Int64?) -> JSONValue { ComputeOfferJSON.money(pico) }

    static func object(_ plan: RentOrCallPlan, model: String, converter: CurrencyConverter?) -> JSONObject {
        let a = plan.assumptions
        var perToken: JSONValue = .null
        if let offer = plan.perToken, let blended = plan.perTokenBlendedPerFour {
            perToken = .object(
                JSONObject([
                    ("provider", .string(offer.provider)), ("served_by", .string(offer.servedBy)),
                    ("model", .string(offer.model)),
                    ("blended_usd_per_mtok", .number(DecimalText.format(blended * 1_000_000 / 4, fractionDigits: 12))),
                    ("usd_per_day", usd(plan.perTokenUSDPerDay)),
                ]))
        }
        let options = plan.dedicated.map { option -> JSONValue in
            var o = ComputeOfferJSON.object(option.offer, stale: false, converter: converter)
            o["instances"] = .integer(option.instances)
            o["capacity_tokens_per_day"] = .integer(option.capacityPerInstance)
            o["usd_per_day"] = usd(option.usdPerDay)
            o["break_even_tokens_per_day"] = option.breakEvenTokensPerDay.map { .integer($0) } ?? .null
            o["cheaper"] =
                plan.perTokenUSDPerDay.map { .string(option.usdPerDay < $0 ? "rent" : "call") } ?? .string("rent")
            return .object(o)
        }
        return JSONObject([
            ("model", .string(model)), ("tokens_per_day", .integer(plan.tokensPerDay)),
            (
                "assumptions",
                .object(
                    JSONObject([
                        ("parameters", .integer(a.parameters)), ("precision", .string(a.precision)),
                        (
                            "bytes_per_parameter",
                            .number(DecimalText.format(a.milliBytesPerParameter, fractionDigits: 3))
                        ),
                        ("headroom_percent", .integer(a.headroomPercent)),
                        ("memory_needed_gib", .integer(a.memoryNeededGiB)),
                        ("throughput_per_gpu_tokens_per_s", .integer(a.throughputPerGPU)),
                        ("utilisation_percent", .integer(a.utilisationPercent)), ("input_output_mix", "3:1"),
                        ("rule", .string(a.rule)),
                    ]))
            ),
            ("per_token", perToken), ("dedicated", .array(options)),
        ])
    }

    static func emit(_ plan: RentOrCallPlan, model: String, converter: CurrencyConverter?, context: CLIContext) {
        let object = object(plan, model: model, converter: converter)
        switch context.format {
        case .json:
            context.out(JSONWriter.string(.object(object)) + "\n")
        case .csv:
            let rows = (object["dedicated"]?.arrayValue ?? []).compactMap(\.objectValue)
            context.out(CSVRenderer.render(rows))
        case .table:
            let a = plan.assumptions
            var text = "\(model): \(plan.tokensPerDay) tokens a day; \(a.parameters) parameters\n"
            text += "assumptions: \(a.rule)\n"
            if let offer = plan.perToken, let perDay = plan.perTokenUSDPerDay {
                let who = offer.servedBy == offer.provider ? offer.provider : "\(offer.provider)/\(offer.servedBy)"
                text += "call: \(who) at $\(DecimalText.format(perDay, fractionDigits: 12)) a day\n"
            } else {
                text += "call: no priced per-token offer for this model\n"
            }
            context.out(text)
            let rows = plan.dedicated.map { o -> [String] in
                [
                    "\(o.offer.offer.gpuCount)x \(o.offer.offer.gpuModel)", o.offer.offer.provider,
                    o.offer.offer.instanceType,
                    o.offer.offer.region.region.rawValue, "\(o.instances)",
                    "$" + DecimalText.format(o.usdPerDay, fractionDigits: 12),
                    o.breakEvenTokensPerDay.map(String.init) ?? "-",
                    plan.perTokenUSDPerDay.map { o.usdPerDay < $0 ? "rent" : "call" } ?? "rent",
                ]
            }
            context.out(
                TableRenderer.render(
                    ResultTable(
                        columns: [
                            "GPUS", "PROVIDER", "INSTANCE", "REGION", "INSTANCES", "$/DAY", "BREAK-EVEN TOKENS/DAY",
                            "CHEAPER",
                        ],
                        rows: rows, rightAligned: [4, 5, 6]), width: context.terminalWidth))
            if rows.isEmpty {
                context.err(
                    "no GPU compute offer fits \(a.memoryNeededGiB) GiB (run 'broker refresh', or relax the filters)")
            }
        }
    }
}
