import ProviderInterface

/// The market's JSON contract (DESIGN.md): one object per offer, shared by `broker market`
/// and, later, the HTTP marketplace API.
public enum OfferJSON {
    /// The contract's fields for `offer`, plus broker extras after them — among them the
    /// broker's own measured figures for the offer, from the usage ledger, when it has any.
    ///
    /// The USD fields hold a USD price as published, or another currency's converted with
    /// `rates` (labelled in `price_basis`), or `null` when no rate is stored; `currency`,
    /// `input_per_mtok` and `output_per_mtok` always hold the price as published.
    public static func object(
        _ offer: Offer, stale: Bool, measured: MeasuredLatency? = nil, rates: ExchangeRates? = nil,
        disputed: Bool = false
    ) -> JSONObject {
        let native = offer.price
        let converted = native.inUSD(rates)
        let price = converted?.price ?? OfferPrice(billing: native.billing)
        var object = JSONObject([
            ("provider", .string(offer.provider)),
            ("served_by", .string(offer.servedBy)),
            ("model", .string(offer.model)),
            ("hf_id", offer.hfID.map(JSONValue.string) ?? .null),
            ("task", .string(offer.task.rawValue)),
            ("billing", .string(price.billing.rawValue)),
            ("region", .string(offer.region.rawValue)),
            ("compliance", .array(offer.compliance.map { .string($0.rawValue) })),
            ("price_state", .string(native.state.rawValue)),
            ("input_usd_per_mtok", perMillion(price.billing == .token ? price.input : .unknown)),
            ("output_usd_per_mtok", perMillion(price.billing == .token ? price.output : .unknown)),
            ("context_length", offer.contextLength.map { .integer($0) } ?? .null),
            ("refreshed_at", .string(Timestamp.iso8601(ms: offer.refreshedAt))),
            ("stale", .bool(stale)),
        ])
        object["currency"] = .string(native.currency)
        object["input_per_mtok"] = perMillion(native.billing == .token ? native.input : .unknown)
        object["output_per_mtok"] = perMillion(native.billing == .token ? native.output : .unknown)
        object["price_basis"] = converted.map { .string($0.basis) } ?? .null
        object["countries"] = .array(offer.countries.map(JSONValue.string))
        if price.billing != .token {
            object["unit_usd"] =
                price.unit.amount.map { .number(DecimalText.format($0.value, fractionDigits: 12)) } ?? .null
        }
        object["served_model_id"] = offer.servedModelID.map(JSONValue.string) ?? .null
        object["supports_tools"] = offer.supportsTools.map(JSONValue.bool) ?? .null
        object["supports_json_schema"] = offer.supportsStructuredOutput.map(JSONValue.bool) ?? .null
        object["supports_vision"] = offer.supportsImages.map(JSONValue.bool) ?? .null
        object["capabilities"] = .array(offer.knownCapabilities.map { .string($0.name) })
        object["first_token_latency_ms"] = offer.firstTokenLatencyMs.map { .integer($0) } ?? .null
        object["throughput_tokens_per_s"] = offer.throughputTokensPerSecond.map { .integer($0) } ?? .null
        object["measured_requests"] = .integer(measured?.samples ?? 0)
        object["measured_latency_ms"] = measured.map { .integer($0.medianLatencyMs) } ?? .null
        object["measured_first_token_ms"] = measured?.medianFirstTokenMs.map { .integer($0) } ?? .null
        object["measured_tokens_per_s"] = measured?.medianOutputTokensPerSecond.map { .integer($0) } ?? .null
        object["curated"] = .bool(offer.curated)
        object["price_taken"] = offer.priceTaken.map(JSONValue.string) ?? .null
        let now = Timestamp.nowMs()
        let age = offer.priceAgeDays(nowMs: now)
        object["price_age_days"] = age.map { .integer(Int($0)) } ?? .null
        object["price_outdated"] = .bool((age ?? 0) > Offer.curatedPriceMaxAgeDays)
        object["retires_at"] = offer.retiresAt.map(JSONValue.string) ?? .null
        object["retired"] = .bool(offer.isRetired(nowMs: now))
        object["price_disputed"] = .bool(disputed)
        return object
    }

    /// A per-token price per million tokens (USD, or the price's own currency), printed
    /// exactly; `null` when unknown.
    public static func perMillion(_ value: PriceValue) -> JSONValue {
        guard let amount = value.amount else { return .null }
        return .number(amount.usdPerMillionTokensText)
    }

    /// The refresh contract: one object per provider.
    public static func refresh(_ result: RefreshResult) -> JSONObject {
        let run = result.run
        var object = JSONObject([
            ("provider", .string(run.provider)),
            ("status", .string(run.status.rawValue)),
            ("models", .integer(run.models)),
            ("offers", .integer(run.offers)),
            ("duration_ms", .integer(run.durationMs)),
            ("error", run.error.map(JSONValue.string) ?? .null),
        ])
        if !result.skipped.isEmpty {
            object["skipped"] = .object(
                JSONObject(result.skipped.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) }))
        }
        return object
    }
}
