import Broker
#if canImport(Glibc)
    import Glibc
#endif
import ProviderInterface

/// The last refresh of a provider, as `providers` shows it.
struct ProviderStatus: Sendable {
    var status: String
    var atMs: Int64
    var offers: Int
    var error: String?

    var json: JSONValue {
        .object(
            JSONObject([
                ("status", .string(status)),
                ("at", .string(Timestamp.iso8601(ms: atMs))),
                ("offers", .integer(offers)),
                ("error", error.map(JSONValue.string) ?? .null),
            ]))
    }

    /// Last refreshes from the store, when the store exists (listing providers never creates one).
    /// - Throws: the store failure when it exists but cannot be read (never "never refreshed").
    static func lastRefreshes(_ context: CLIContext) async throws(CommandFailure) -> [String: ProviderStatus] {
        guard StoreLocation.isPostgres(context.storePath) || access(context.storePath, F_OK) == 0 else { return [:] }
        let store = try context.openStore()
        let runs: [RefreshRun]
        do { runs = try await store.lastRefreshes() } catch { throw context.storeFailure(error, doing: "read") }
        var result: [String: ProviderStatus] = [:]
        for run in runs {
            result[run.provider] = ProviderStatus(
                status: run.status.rawValue, atMs: run.startedAt, offers: run.offers, error: run.error)
        }
        return result
    }
}
