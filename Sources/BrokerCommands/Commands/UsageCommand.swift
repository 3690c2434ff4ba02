import Broker
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
            in both groups, and once in the total. Costs are exact
            sums of the integer pico-unit costs in the currency each offer was priced in: a group has
            one row per currency (cost_nano, exact) and euros are never added to dollars.
            cost_nano_usd is the USD figure: exact for USD, converted at the ECB rate of the day for
            another currency (price_basis), or null when no rate was stored.
            """,
        options: Options.options
    )

    /// `usage`'s options.
    struct Options: OptionGroup {
        static let savings = Flag(
            "--savings", "What answered requests cost against the cheapest offer that fitted each at the time, in USD.")
        static let by = Option<UsageGrouping>.choice("--by", "Group rows by this key; served_by is who answered.")
            .defaulting(to: .provider)
        static let options = PeriodOptions.options + [savings.spec, by.spec]
        var period: PeriodOptions
        /// `--savings`: the savings report instead of the totals.
        var savings: Bool
        /// `--by`.
        var grouping: UsageGrouping
        init(parsing arguments: ParsedArguments) throws(UsageError) {
            period = try PeriodOptions(parsing: arguments)
            savings = arguments.has(Self.savings)
            grouping = try arguments.value(Self.by)
        }
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        let since = options.period.start(nowMs: Timestamp.nowMs())
        let grouping = options.grouping
        let store = try context.openStore()
        if options.savings {
            return try await savings(context, store: store, since: since, grouping: grouping)
        }
        let rows = try await store.usage(sinceMs: since, by: grouping)
        let objects = rows.map { UsageJSON.object($0, grouping: grouping) }
        // The UNKNOWN OUTCOME column appears when some attempt has one (as unknown_outcome does in JSON).
        let unknown = rows.reduce(0) { $0 + $1.unknownOutcomes }
        var table = rows.map { tableRow($0, unknownColumn: unknown > 0) }
        // The totals are the ledger's, one per currency, not the rows' sums: a request in two
        // groups is one request.
        if rows.count > 1, context.format == .table {
            table += try await store.usageTotal(sinceMs: since).map { tableRow($0, unknownColumn: unknown > 0) }
        }
        if unknown > 0 {
            context.err(
                "usage: \(unknown) attempt(s) have an unknown outcome: sent, and never completed (in flight now, or made by a process that was killed); counted as errors"
            )
        }
        var columns = [grouping.rawValue.uppercased(), "REQUESTS", "ATTEMPTS", "ERRORS"]
        if unknown > 0 { columns.append("UNKNOWN OUTCOME") }
        columns += ["IN TOKENS", "OUT TOKENS", "COST", "AS USD"]
        context.emit(
            objects, table: ResultTable(columns: columns, rows: table, rightAligned: Set(1..<columns.count)),
            emptyNote: "no usage recorded\(since > 0 ? " in that period" : "")")
        return ExitCode.success
    }

    /// One table row; with `unknownColumn`, the attempts of unknown outcome follow the errors.
    static func tableRow(_ row: UsageRow, unknownColumn: Bool) -> [String] {
        [row.key, String(row.requests), String(row.attempts), String(row.errors)]
            + (unknownColumn ? [String(row.unknownOutcomes)] : [])
            + [
                String(row.inputTokens), String(row.outputTokens), money(row.costPico, row.currency),
                row.currency == "USD" ? "" : money(row.costPicoUSD, "USD"),
            ]
    }

    /// `usage --savings`: paid against the cheapest fitting offer, per group and in total.
    static func savings(_ context: CLIContext, store: any MarketStore, since: Int64, grouping: UsageGrouping)
        async throws -> Int32
    {
        let rows = try await store.savings(sinceMs: since, by: grouping)
        var all = rows
        if rows.count > 1 {
            all.append(
                rows.reduce(SavingsRow(key: "total", requests: 0, paidPicoUSD: 0, cheapestPicoUSD: 0, unknown: 0)) {
                    acc, r in
                    SavingsRow(
                        key: "total", requests: acc.requests + r.requests, paidPicoUSD: acc.paidPicoUSD + r.paidPicoUSD,
                        cheapestPicoUSD: acc.cheapestPicoUSD + r.cheapestPicoUSD, unknown: acc.unknown + r.unknown)
                })
        }
        let objects = all.map { UsageJSON.savings($0, grouping: grouping) }
        let table = all.map { r in
            [
                r.key, String(r.requests), money(r.paidPicoUSD, "USD"), money(r.cheapestPicoUSD, "USD"),
                money(r.overpaidPicoUSD, "USD"), String(r.unknown),
            ]
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: [grouping.rawValue.uppercased(), "REQUESTS", "PAID", "CHEAPEST", "OVERPAID", "UNKNOWN"],
                rows: table,
                rightAligned: [1, 2, 3, 4, 5]),
            emptyNote: "no answered requests recorded\(since > 0 ? " in that period" : "")")
        return ExitCode.success
    }

    /// An exact amount to the nano-unit: `$0.000123` for USD, `0.000123 EUR` otherwise.
    static func money(_ pico: Int64?, _ currency: String) -> String {
        guard let pico else { return "?" }
        let text = DecimalText.format(PicoUSD(pico).roundedNanoUSD, fractionDigits: 9)
        return currency == "USD" ? "$" + text : "\(text) \(currency)"
    }
}
