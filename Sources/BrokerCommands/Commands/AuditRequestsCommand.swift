import Broker
import ProviderInterface

/// `broker audit requests`: where each request was processed, for a data-protection record.
enum AuditRequestsCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["audit", "requests"],
        abstract: "Where each request was processed: provider, served_by, upstream, region, countries, compliance.",
        discussion: """
            One row per attempt (every attempt sent the request's data to its provider), oldest first:
            request_id, attempt, at, provider, served_by, upstream (who answered for an aggregator),
            model, outcome, and the offer's region, countries and compliance tags as they stood when the
            attempt was made (region null for attempts recorded before this version), with the cost in
            the offer's currency and in USD.
            """,
        options: PeriodOptions.options
    )

    static func run(_ options: PeriodOptions, context: CLIContext) async throws -> Int32 {
        let since = options.start(nowMs: Timestamp.nowMs())
        let store = try context.openStore()
        let records = try await store.requestAttempts(sinceMs: since)
        let objects = records.map { r in
            JSONObject([
                ("request_id", .string(r.requestID)),
                ("attempt", .integer(r.attempt)),
                ("at", .string(Timestamp.iso8601(ms: r.at))),
                ("provider", .string(r.provider)),
                ("served_by", .string(r.servedBy)),
                ("upstream", r.upstream.map(JSONValue.string) ?? .null),
                ("model", .string(r.model)),
                ("task", .string(r.task.rawValue)),
                ("outcome", .string(r.outcome)),
                ("region", r.region.map { .string($0.rawValue) } ?? .null),
                ("countries", .array(r.countries.map(JSONValue.string))),
                ("compliance", .array(r.compliance.map { .string($0.rawValue) })),
                ("currency", .string(r.currency)),
                ("cost_nano", r.nativeCostPico.map { .integer(Int(PicoUSD($0).roundedNanoUSD)) } ?? .null),
                ("cost_nano_usd", r.costPicoUSD.map { .integer(Int(PicoUSD($0).roundedNanoUSD)) } ?? .null),
                ("price_basis", r.priceBasis.map(JSONValue.string) ?? .null),
            ])
        }
        let rows = records.map { r in
            [
                Timestamp.iso8601(ms: r.at), r.requestID, r.provider, r.upstream ?? r.servedBy, r.model, r.outcome,
                r.region?.rawValue ?? "?", r.countries.joined(separator: ","),
                r.compliance.map(\.rawValue).joined(separator: ","),
            ]
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: [
                    "AT", "REQUEST", "PROVIDER", "SERVED BY", "MODEL", "OUTCOME", "REGION", "COUNTRIES", "COMPLIANCE",
                ], rows: rows),
            emptyNote: "no requests recorded\(since > 0 ? " in that period" : "")")
        return ExitCode.success
    }
}
