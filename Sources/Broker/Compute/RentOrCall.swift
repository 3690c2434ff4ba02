import ProviderInterface

/// The assumptions of a rent-or-call comparison, all printed and all overridable.
public struct RentOrCallAssumptions: Sendable, Hashable {
    /// The model's parameter count (the Hub's `safetensors.total`, or given).
    public var parameters: Int64
    /// The weights' precision (`bf16`, `fp8`, `int4`, …).
    public var precision: String
    /// Bytes per parameter × 1000 for that precision (bf16 2000, fp8 1000, int4 500).
    public var milliBytesPerParameter: Int64
    /// Extra GPU memory on top of the weights, in percent (KV cache, activations, runtime).
    public var headroomPercent: Int
    /// Tokens a GPU serves per second (input and output alike), at full use.
    public var throughputPerGPU: Int
    /// The share of the day the rented GPUs are busy, in percent.
    public var utilisationPercent: Int

    /// Bytes per parameter by precision name.
    public static let milliBytes: [String: Int64] = [
        "fp32": 4000, "bf16": 2000, "fp16": 2000, "fp8": 1000, "int8": 1000, "int4": 500,
    ]

    /// Assumptions; defaults: 20 % headroom, 1,000 tokens/s per GPU, 50 % utilisation.
    public init(
        parameters: Int64, precision: String = "bf16", headroomPercent: Int = 20, throughputPerGPU: Int = 1_000,
        utilisationPercent: Int = 50
    ) {
        self.parameters = parameters
        self.precision = precision
        self.milliBytesPerParameter = Self.milliBytes[precision] ?? 2000
        self.headroomPercent = headroomPercent
        self.throughputPerGPU = throughputPerGPU
        self.utilisationPercent = utilisationPercent
    }

    /// GPU memory the model needs, in GiB, rounded up: parameters × bytes per parameter ×
    /// (100 + headroom) %.
    public var memoryNeededGiB: Int {
        let bytes = Int128(parameters) * Int128(milliBytesPerParameter) * Int128(100 + headroomPercent) / 100_000
        let gib: Int128 = 1 << 30
        return Int((bytes + gib - 1) / gib)
    }

    /// Tokens one instance with `gpus` GPUs serves in a day at the assumed throughput and utilisation.
    public func capacityPerDay(gpus: Int) -> Int64 {
        // In 128 bits, saturating: a catalog's absurd GPU count must not trap.
        let tokens = Int128(throughputPerGPU) * Int128(gpus) * 86_400 * Int128(utilisationPercent) / 100
        return Int64(exactly: tokens) ?? Int64.max
    }

    /// The rule, in words.
    public var rule: String {
        "memory = parameters × \(DecimalText.format(milliBytesPerParameter, fractionDigits: 3)) bytes (\(precision)) × "
            + "\(100 + headroomPercent)% = \(memoryNeededGiB) GiB over all GPUs of an instance; capacity = "
            + "\(throughputPerGPU) tokens/s per GPU × \(utilisationPercent)% of the day"
    }
}

/// One dedicated option: rent enough instances of a compute offer to serve the volume.
public struct DedicatedOption: Sendable, Hashable {
    /// The compute offer.
    public var offer: ComputeMarketOffer
    /// Its hourly price in pico-USD (native or converted).
    public var usdPerHour: Int64
    /// Instances needed for the volume (at least one).
    public var instances: Int
    /// Tokens one instance serves a day.
    public var capacityPerInstance: Int64
    /// What the instances cost a day, in pico-USD.
    public var usdPerDay: Int64
    /// The daily volume at which one instance costs what per-token calls cost; `nil` without a
    /// per-token price.
    public var breakEvenTokensPerDay: Int64?
}

/// Rent or call: the cheapest dedicated GPU offers whose memory fits a model, against the
/// cheapest per-token offer for it, at a daily volume. Pure: the caller brings the offers.
public struct RentOrCallPlan: Sendable, Hashable {
    /// The assumptions.
    public var assumptions: RentOrCallAssumptions
    /// Tokens a day (input and output, mixed 3:1 as the market's blended price).
    public var tokensPerDay: Int64
    /// The cheapest per-token offer with a price, if any.
    public var perToken: Offer?
    /// Its blended price, pico-USD per four tokens (3 × input + output).
    public var perTokenBlendedPerFour: Int64?
    /// What the volume costs a day through it, in pico-USD.
    public var perTokenUSDPerDay: Int64?
    /// The dedicated options, cheapest a day first.
    public var dedicated: [DedicatedOption]

    /// The plan for `tokensPerDay` over these offers; compute offers need a USD price (native or
    /// through `converter`), an on-demand price and enough GPU memory.
    public init(
        tokensPerDay: Int64, assumptions: RentOrCallAssumptions, tokenOffers: [Offer],
        computeOffers: [ComputeMarketOffer],
        converter: CurrencyConverter?, limit: Int = 5
    ) {
        self.tokensPerDay = tokensPerDay
        self.assumptions = assumptions
        let priced = tokenOffers.compactMap { offer in offer.price.blendedPerFourTokens.map { (offer, $0) } }
        let cheapest = priced.min { $0.1 < $1.1 }
        perToken = cheapest?.0
        perTokenBlendedPerFour = cheapest?.1
        perTokenUSDPerDay = cheapest.flatMap { Int64(exactly: (Int128(tokensPerDay) * Int128($0.1) + 2) / 4) }
        let needed = assumptions.memoryNeededGiB
        var options: [DedicatedOption] = []
        for market in computeOffers where market.offer.pricingModel == .onDemand {
            let offer = market.offer
            guard let memory = offer.gpuMemoryGiB, Int128(memory) * Int128(offer.gpuCount) >= Int128(needed),
                let price = offer.pricePerHour,
                let usd = offer.currency == "USD" ? price : converter?.convert(price, from: offer.currency, to: "USD")
            else { continue }
            let capacity = assumptions.capacityPerDay(gpus: offer.gpuCount)
            guard capacity > 0 else { continue }
            // In 128 bits: a volume near Int64.max must not trap while rounding up.
            let instances = max(1, (Int128(tokensPerDay) + Int128(capacity) - 1) / Int128(capacity))
            guard let count = Int(exactly: instances), let perDay = Int64(exactly: Int128(usd) * 24 * instances) else {
                continue
            }
            var breakEven: Int64? = nil
            if let blended = cheapest?.1, blended > 0 {
                breakEven = Int64(exactly: Int128(usd) * 24 * 4 / Int128(blended))
            }
            options.append(
                DedicatedOption(
                    offer: market, usdPerHour: usd, instances: count, capacityPerInstance: capacity, usdPerDay: perDay,
                    breakEvenTokensPerDay: breakEven))
        }
        options.sort { ($0.usdPerDay, $0.offer.offer.offerID) < ($1.usdPerDay, $1.offer.offer.offerID) }
        dedicated = Array(options.prefix(limit))
    }
}
