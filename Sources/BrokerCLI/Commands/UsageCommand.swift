import Broker
import BrokerServe
import ProviderInterface

/// `broker usage`: the ledger's totals.
enum UsageCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["usage"],
        abstract: "The usage ledger: requests, tokens and cost.",
        discussion: """
            Every attempt is a ledger row (failed tries count as errors and cost nothing). Costs are
            exact sums of the integer pico-USD costs, reported in nano-USD (cost_nano_usd) and USD.
            """,
        options: [
            .value("--since", "DURATION", "Only the last DURATION (e.g. 24h, 7d; default: everything)."),
            .value("--by", "provider|model|day|served_by", "Group rows by this key (default provider); served_by is who answered."),
        ]
    )

    static func run(_ context: CLIContext) async throws -> Int32 {
        var since: Int64 = 0
        if let text = context.arguments.value("--since") {
            guard let ms = DurationText.milliseconds(text) else { throw UsageError("--since must be a duration such as 24h or 7d (got '\(text)')") }
            since = Timestamp.nowMs() - ms
        }
        let grouping: UsageGrouping
        if let by = context.arguments.value("--by") {
            guard let g = UsageGrouping(rawValue: by) else { throw UsageError("--by must be provider, model, day or served_by (got '\(by)')") }
            grouping = g
        } else {
            grouping = .provider
        }
        let store = try context.openStore()
        let rows = try await store.usage(sinceMs: since, by: grouping)
        let objects = rows.map { UsageJSON.object($0, grouping: grouping) }
        var table = rows.map { row in
            [row.key, String(row.requests), String(row.errors), String(row.inputTokens), String(row.outputTokens), usd(row.costPicoUSD)]
        }
        if rows.count > 1 {
            let total = rows.reduce((0, 0, Int64(0), Int64(0), Int64?.none)) { acc, r in
                (acc.0 + r.requests, acc.1 + r.errors, acc.2 + r.inputTokens, acc.3 + r.outputTokens,
                 r.costPicoUSD.map { (acc.4 ?? 0) + $0 } ?? acc.4)
            }
            table.append(["total", String(total.0), String(total.1), String(total.2), String(total.3), usd(total.4)])
        }
        let unknown = rows.reduce(0) { $0 + $1.unknownOutcomes }
        if unknown > 0 {
            context.err("usage: \(unknown) attempt(s) have an unknown outcome: sent, and never completed (in flight now, or made by a process that was killed); counted as errors")
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: [grouping.rawValue.uppercased(), "REQUESTS", "ERRORS", "IN TOKENS", "OUT TOKENS", "COST USD"], rows: table,
                rightAligned: [1, 2, 3, 4, 5]),
            emptyNote: "no usage recorded\(since > 0 ? " in that period" : "")")
        return ExitCode.success
    }

    static func usd(_ pico: Int64?) -> String {
        guard let pico else { return "?" }
        return "$" + DecimalText.format(PicoUSD(pico).roundedNanoUSD, fractionDigits: 9)
    }
}
