import Broker
import ProviderInterface

/// The `usage` JSON contract (DESIGN.md): one object per group, shared by `broker usage` and
/// `GET /v1/usage`.
public enum UsageJSON {
    /// The row's grouping key under its grouping's name, then `requests` (request ids), `attempts` (every try), `errors` (failed tries), tokens and `cost_nano_usd`.
    public static func object(_ row: UsageRow, grouping: UsageGrouping) -> JSONObject {
        JSONObject([
            (grouping.rawValue, .string(row.key)),
            ("requests", .integer(row.requests)),
            ("attempts", .integer(row.attempts)),
            ("errors", .integer(row.errors)),
            ("input_tokens", .integer(row.inputTokens)),
            ("output_tokens", .integer(row.outputTokens)),
            ("cost_nano_usd", row.costNanoUSD.map { .integer($0) } ?? .null),
            ("unknown_outcome", .integer(row.unknownOutcomes)),
        ])
    }
}
