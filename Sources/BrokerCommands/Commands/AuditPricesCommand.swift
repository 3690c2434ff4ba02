import Broker
import ProviderInterface

/// `broker audit prices`: where sources disagree on a price, and registry models missing
/// from live catalogs.
enum AuditPricesCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["audit", "prices"],
        abstract: "Price disagreements between sources, and registry models missing from live catalogs.",
        discussion: """
            Where the same weights (hf_id) at the same serving endpoint are priced by more than one
            source — the Hugging Face router, OpenRouter's per-endpoint prices, the provider's own feed
            or curated table — each price (input and output) is compared in USD (another currency
            converted with the stored ECB rate) and listed when the highest is more than the tolerance
            above the lowest, with each source's value and age. 'broker market' marks such offers
            price_disputed. Also lists models of a registry table that the provider's live catalog no
            longer has. Run 'broker refresh' first.
            """,
        options: Options.options
    )

    /// `audit prices`' options.
    struct Options: OptionGroup {
        static let tolerance = Option<Int64>(
            "--tolerance", "PCT", "Allowed spread in percent.", expected: "a percentage such as 5 or 2.5",
            read: AuditReport.toleranceBasisPoints
        ).defaulting(
            to: PriceAudit.defaultToleranceBasisPoints,
            shown: DecimalText.format(PriceAudit.defaultToleranceBasisPoints, fractionDigits: 2))
        static let options = [tolerance.spec]
        /// The tolerance in basis points (5% = 500).
        var toleranceBasisPoints: Int64
        init(parsing arguments: ParsedArguments) throws(UsageError) {
            toleranceBasisPoints = try arguments.value(Self.tolerance)
        }
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let tolerance = options.toleranceBasisPoints
        let store = try context.openStore()
        let report = try await AuditReport.make(store: store, registry: registry, toleranceBasisPoints: tolerance)
        let now = Timestamp.nowMs()
        var rows: [[String]] = report.disagreements.map { d in
            let values = zip(d.offers, d.usd).map { "\($0.provider) $\($1.usdPerMillionTokensText)" }.joined(
                separator: " vs ")
            return [
                "price", d.hfID, d.servedBy, d.side, DecimalText.format(d.spreadBasisPoints, fractionDigits: 2) + "%",
                values,
            ]
        }
        rows += report.missing.map {
            ["missing", $0.model, $0.provider, "", "", "in the registry table, not in the live catalog"]
        }
        context.emit(
            report.objects(nowMs: now),
            table: ResultTable(
                columns: ["KIND", "MODEL", "SERVED BY", "SIDE", "SPREAD", "SOURCES (USD/M)"], rows: rows),
            emptyNote: "no disagreements beyond the tolerance and no missing models")
        return ExitCode.success
    }
}
