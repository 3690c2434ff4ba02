import ProviderInterface

/// The `usage` JSON contract (DESIGN.md): one object per group, shared by `broker usage` and
/// `GET /v1/usage`.
public enum UsageJSON {
    /// The row's grouping key under its grouping's name, then `requests` (request ids), `attempts` (every try), `errors` (failed tries), tokens and `cost_nano_usd`.
    /// A group has one row per currency: `currency` and `cost_nano` (exact, in it) say which;
    /// `cost_nano_usd` is then the USD figure (converted for another currency, with the
    /// rate dates in `price_basis`) or `null`.
    public static func object(_ row: UsageRow, grouping: UsageGrouping, then: UsageGrouping? = nil) -> JSONObject {
        var object = JSONObject([(grouping.rawValue, .string(row.key))])
        if let then, let subkey = row.subkey { object[then.rawValue] = .string(subkey) }
        for (name, value) in JSONObject([
            ("requests", .integer(row.requests)),
            ("attempts", .integer(row.attempts)),
            ("errors", .integer(row.errors)),
            ("input_tokens", .integer(row.inputTokens)),
            ("output_tokens", .integer(row.outputTokens)),
            ("cost_nano_usd", row.costNanoUSD.map { .integer($0) } ?? .null),
            ("unknown_outcome", .integer(row.unknownOutcomes)),
        ]) { object[name] = value }
        object["currency"] = .string(row.currency)
        object["cost_nano"] = row.costNano.map { .integer($0) } ?? .null
        object["price_basis"] = .array(row.priceBases.map(JSONValue.string))
        return object
    }

    /// A `usage --savings` row: `requests`, `paid_nano_usd`, `cheapest_nano_usd`,
    /// `overpaid_nano_usd` and `unknown` under the grouping's key.
    public static func savings(_ row: SavingsRow, grouping: UsageGrouping) -> JSONObject {
        func nano(_ pico: Int64) -> JSONValue { .integer(Int(PicoUSD(pico).roundedNanoUSD)) }
        return JSONObject([
            (grouping.rawValue, .string(row.key)),
            ("requests", .integer(row.requests)),
            ("paid_nano_usd", nano(row.paidPicoUSD)),
            ("cheapest_nano_usd", nano(row.cheapestPicoUSD)),
            ("overpaid_nano_usd", nano(row.overpaidPicoUSD)),
            ("unknown", .integer(row.unknown)),
        ])
    }
}
