import ProviderInterface

/// The `quote` JSON: one object per fitting offer, shared by `broker quote` and
/// `POST /v1/marketplace/quote`.
public enum QuoteJSON {
    /// The offer, the request's size, and its exact cost: `cost` (exact decimal) and
    /// `cost_nano` in the offer's `currency`, `cost_usd`/`cost_nano_usd` converted for another
    /// currency (`price_basis`) or `null`.
    public static func object(_ line: QuoteLine, inputTokens: Int64, outputTokens: Int64) -> JSONObject {
        let offer = line.offer
        let price = offer.price
        return JSONObject([
            ("provider", .string(offer.provider)),
            ("served_by", .string(offer.servedBy)),
            ("model", .string(offer.model)),
            ("hf_id", offer.hfID.map(JSONValue.string) ?? .null),
            ("task", .string(offer.task.rawValue)),
            ("region", .string(offer.region.rawValue)),
            ("countries", .array(offer.countries.map(JSONValue.string))),
            ("compliance", .array(offer.compliance.map { .string($0.rawValue) })),
            ("input_tokens", .integer(Int(inputTokens))),
            ("output_tokens", .integer(Int(outputTokens))),
            ("price_state", .string(price.state.rawValue)),
            ("currency", .string(price.currency)),
            ("input_per_mtok", OfferJSON.perMillion(price.billing == .token ? price.input : .unknown)),
            ("output_per_mtok", OfferJSON.perMillion(price.billing == .token ? price.output : .unknown)),
            ("cost", exact(line.cost)),
            ("cost_nano", line.cost.map { .integer(Int($0.roundedNanoUSD)) } ?? .null),
            ("cost_usd", exact(line.costUSD)),
            ("cost_nano_usd", line.costUSD.map { .integer(Int($0.roundedNanoUSD)) } ?? .null),
            ("price_basis", line.priceBasis.map(JSONValue.string) ?? .null),
            ("stale", .bool(line.stale)),
            ("refreshed_at", .string(Timestamp.iso8601(ms: offer.refreshedAt))),
        ])
    }

    /// Pico-units as an exact decimal number of units; `null` when unknown.
    static func exact(_ pico: PicoUSD?) -> JSONValue {
        pico.map { .number(DecimalText.format($0.value, fractionDigits: 12)) } ?? .null
    }
}
