import ProviderInterface

/// The `audit prices` JSON, shared by `broker audit prices` and `GET /v1/marketplace/audit`:
/// one object per finding, `kind` `price_disagreement` or `missing_from_catalog`.
public enum AuditJSON {
    /// A disagreement with each source's value (native and USD) and age at `nowMs`.
    public static func object(_ d: PriceDisagreement, rates: ExchangeRates?, nowMs: Int64) -> JSONObject {
        let sources: [JSONValue] = zip(d.offers, d.usd).map { offer, usd in
            let native = d.side == "input" ? offer.price.input : offer.price.output
            return .object(
                JSONObject([
                    ("provider", .string(offer.provider)),
                    ("model", .string(offer.model)),
                    ("currency", .string(offer.price.currency)),
                    ("per_mtok", OfferJSON.perMillion(native)),
                    ("usd_per_mtok", .number(usd.usdPerMillionTokensText)),
                    ("price_basis", offer.price.inUSD(rates).map { .string($0.basis) } ?? .null),
                    ("curated", .bool(offer.curated)),
                    ("price_taken", offer.priceTaken.map(JSONValue.string) ?? .null),
                    ("refreshed_at", .string(Timestamp.iso8601(ms: offer.refreshedAt))),
                    ("age_s", .integer(Int(max(0, nowMs - offer.refreshedAt) / 1000))),
                ]))
        }
        return JSONObject([
            ("kind", .string("price_disagreement")),
            ("hf_id", .string(d.hfID)),
            ("served_by", .string(d.servedBy)),
            ("side", .string(d.side)),
            (
                "spread_pct",
                .number(
                    DecimalText.format(d.spreadBasisPoints == Int64.max ? 0 : d.spreadBasisPoints, fractionDigits: 2))
            ),
            ("sources", .array(sources)),
        ])
    }

    /// A registry model its provider's live catalog no longer lists.
    public static func object(_ m: MissingModel) -> JSONObject {
        JSONObject([
            ("kind", .string("missing_from_catalog")),
            ("provider", .string(m.provider)),
            ("model", .string(m.model)),
        ])
    }
}
