import ProviderInterface

/// One recorded price change as JSON, shared by `broker market --history` and
/// `GET /v1/marketplace/history`. A price in another currency than USD is shown as
/// published (`currency`, `*_per_mtok`), never as dollars: its `*_usd_per_mtok` are `null`.
public enum PriceHistoryJSON {
    /// The change's fields.
    public static func object(_ change: PriceChange) -> JSONObject {
        let usd = change.currency == "USD"
        var object = JSONObject([
            ("provider", .string(change.provider)),
            ("served_by", .string(change.servedBy)),
            ("model", .string(change.model)),
            ("at", .string(Timestamp.iso8601(ms: change.at))),
            ("old_input_usd_per_mtok", usd ? change.oldInput.map(OfferJSON.perMillion) ?? .null : .null),
            ("old_output_usd_per_mtok", usd ? change.oldOutput.map(OfferJSON.perMillion) ?? .null : .null),
            ("input_usd_per_mtok", usd ? OfferJSON.perMillion(change.newInput) : .null),
            ("output_usd_per_mtok", usd ? OfferJSON.perMillion(change.newOutput) : .null),
        ])
        object["currency"] = .string(change.currency)
        object["old_input_per_mtok"] = change.oldInput.map(OfferJSON.perMillion) ?? .null
        object["old_output_per_mtok"] = change.oldOutput.map(OfferJSON.perMillion) ?? .null
        object["input_per_mtok"] = OfferJSON.perMillion(change.newInput)
        object["output_per_mtok"] = OfferJSON.perMillion(change.newOutput)
        return object
    }
}
