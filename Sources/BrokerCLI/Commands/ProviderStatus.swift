import Broker
import ProviderInterface

/// The last refresh of a provider, as `providers` shows it.
struct ProviderStatus: Sendable {
    var status: String
    var atMs: Int64
    var offers: Int
    var error: String?

    var json: JSONValue {
        .object(JSONObject([
            ("status", .string(status)),
            ("at", .string(Timestamp.iso8601(ms: atMs))),
            ("offers", .integer(offers)),
            ("error", error.map(JSONValue.string) ?? .null),
        ]))
    }

    var summary: String { "\(status) \(Timestamp.iso8601(ms: atMs)) (\(offers) offers)" }

    /// Last refreshes from the store, when the store exists (listing providers never creates one).
    static func lastRefreshes(_ context: CLIContext) async -> [String: ProviderStatus] {
        [:]
    }
}
