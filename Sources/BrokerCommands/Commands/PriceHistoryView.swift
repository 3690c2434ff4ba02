import Broker
import ProviderInterface

/// `broker market --history`: each recorded price change of the matching models.
enum PriceHistoryView {
    static func run(_ context: CLIContext, store: any MarketStore, query: MarketQuery) async throws -> Int32 {
        guard let model = query.modelText else {
            throw UsageError("--history needs --model")
        }
        let provider = query.providers.count == 1 ? query.providers.first : nil
        let changes = try await store.priceHistory(model: model, provider: provider)
        let objects = changes.map(PriceHistoryJSON.object)
        func cell(_ v: PriceValue?) -> String {
            guard let v else { return "new" }
            return v.amount.map(\.usdPerMillionTokensText) ?? "?"
        }
        let rows = changes.map { c in
            [
                Timestamp.iso8601(ms: c.at), c.model, "\(c.provider)/\(c.servedBy)",
                "\(cell(c.oldInput)) → \(cell(c.newInput))",
                "\(cell(c.oldOutput)) → \(cell(c.newOutput))", c.currency,
            ]
        }
        context.emit(
            objects, table: ResultTable(columns: ["AT", "MODEL", "PROVIDER", "/M IN", "/M OUT", "CUR"], rows: rows),
            emptyNote: "no recorded price changes for '\(model)'")
        return ExitCode.success
    }
}
