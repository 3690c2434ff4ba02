import ProviderInterface

/// The `gpus` JSON contract (DESIGN.md): one object per compute offer, shared by `broker
/// gpus` and `GET /v1/marketplace/gpus`.
public enum ComputeOfferJSON {
    /// The contract's fields for `offer`, then broker extras. Prices are exact decimals in the
    /// offer's currency; `usd_per_hour` is the USD price (converted with `converter`'s rate,
    /// labelled in `price_basis`) or `null` when no rate is stored.
    public static func object(_ market: ComputeMarketOffer, stale: Bool, converter: CurrencyConverter?) -> JSONObject {
        let offer = market.offer
        let usd: Int64?
        var basis = "native"
        if offer.currency == "USD" {
            usd = offer.pricePerHour
        } else if let converter, let price = offer.pricePerHour,
            let converted = converter.convert(price, from: offer.currency, to: "USD")
        {
            usd = converted
            basis = converter.rates.basis
        } else {
            usd = nil
        }
        var object = JSONObject([
            ("provider", .string(offer.provider)),
            ("source", .string(market.source)),
            ("offer_kind", .string(offer.kind.rawValue)),
            ("instance_type", .string(offer.instanceType)),
            ("gpu_model", .string(offer.gpuModel)),
            ("gpu_count", .integer(offer.gpuCount)),
            ("gpu_memory_gib", offer.gpuMemoryGiB.map { .integer($0) } ?? .null),
            ("vcpus", offer.vcpus.map { .integer($0) } ?? .null),
            ("ram_gib", ramGiB(offer.ramMiB)),
            ("region", .string(offer.region.region.rawValue)),
            ("location", .string(offer.location)),
            ("countries", .array(offer.region.countries.map(JSONValue.string))),
            ("compliance", .array(offer.region.complianceTags.map { .string($0.rawValue) })),
            ("pricing_model", .string(offer.pricingModel.rawValue)),
            ("currency", .string(offer.currency)),
            ("price_per_hour", money(offer.pricePerHour)),
            ("price_per_gpu_hour", money(market.pricePerGPUHour)),
            ("usd_per_hour", money(usd)),
            ("price_basis", .string(basis)),
            ("availability", .string(offer.availability.rawValue)),
            ("refreshed_at", .string(Timestamp.iso8601(ms: market.refreshedAt))),
            ("stale", .bool(stale)),
        ])
        object["offer_id"] = .string(offer.offerID)
        object["gpu_model_raw"] = .string(offer.gpuModelRaw)
        return object
    }

    /// MiB as exact GiB (1/1024 is 9,765,625 × 10^-10); `null` when unknown, or beyond any
    /// machine (a catalog's absurd figure, which must not trap the listing).
    static func ramGiB(_ mebibytes: Int?) -> JSONValue {
        guard let mebibytes, case let (scaled, overflow) = Int64(mebibytes).multipliedReportingOverflow(by: 9_765_625),
            !overflow
        else { return .null }
        return .number(DecimalText.format(scaled, fractionDigits: 10))
    }

    /// Pico-units as an exact decimal number of units; `null` when unknown.
    public static func money(_ pico: Int64?) -> JSONValue {
        pico.map { .number(DecimalText.format($0, fractionDigits: 12)) } ?? .null
    }
}
