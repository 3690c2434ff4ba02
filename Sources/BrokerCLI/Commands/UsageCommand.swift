import Broker
import BrokerServe
import ProviderInterface

/// `broker usage`: the ledger's totals.
enum UsageCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["usage"],
        abstract: "The usage ledger: requests, attempts, tokens and cost.",
        discussion: """
            Every attempt is a ledger row. REQUESTS counts each request once, however many attempts
            it took; ATTEMPTS counts every try and ERRORS the failed ones (which cost nothing, except
            the output a stream delivered before it broke), so a request that failed over once is
            1 request, 2 attempts, 1 error, billed once. A request that tried two providers counts
            in both groups, and once in the total. Costs are exact sums of the integer pico-USD
            costs, reported in nano-USD (cost_nano_usd) and USD.
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
        var table = rows.map(tableRow)
        // The total is the ledger's, not the rows' sum: a request in two groups is one request.
        if rows.count > 1, context.format == .table, let total = try await store.usageTotal(sinceMs: since) {
            table.append(tableRow(total))
        }
        let unknown = rows.reduce(0) { $0 + $1.unknownOutcomes }
        if unknown > 0 {
            context.err("usage: \(unknown) attempt(s) have an unknown outcome: sent, and never completed (in flight now, or made by a process that was killed); counted as errors")
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: [
                    grouping.rawValue.uppercased(), "REQUESTS", "ATTEMPTS", "ERRORS", "IN TOKENS", "OUT TOKENS", "COST USD",
                ], rows: table, rightAligned: [1, 2, 3, 4, 5, 6]),
            emptyNote: "no usage recorded\(since > 0 ? " in that period" : "")")
        return ExitCode.success
    }

    static func tableRow(_ row: UsageRow) -> [String] {
        [
            row.key, String(row.requests), String(row.attempts), String(row.errors), String(row.inputTokens),
            String(row.outputTokens), usd(row.costPicoUSD),
        ]
    }

    static func usd(_ pico: Int64?) -> String {
        guard let pico else { return "?" }
        return "$" + DecimalText.format(PicoUSD(pico).roundedNanoUSD, fractionDigits: 9)
    }
}
