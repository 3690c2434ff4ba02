import Broker
import ProviderInterface

/// `broker market --history`: each recorded price change of the matching models.
enum PriceHistoryView {
    static func run(_ context: CLIContext, store: MarketplaceStore, query: MarketQuery) async throws -> Int32 {
        guard let model = query.modelText else {
            throw UsageError("--history needs --model")
        }
        let provider = query.providers.count == 1 ? query.providers.first : nil
        let changes = try await store.priceHistory(model: model, provider: provider)
        let objects = changes.map { change in
            // A price in another currency is shown as published, never as dollars.
            let usd = change.currency == "USD"
            var object = JSONObject([
                ("provider", .string(change.provider)),
                ("served_by", .string(change.servedBy)),
                ("model", .string(change.model)),
                ("at", .string(Timestamp.iso8601(ms: change.at))),
                ("old_input_usd_per_mtok", usd ? change.oldInput.map(OfferJSON.perMillion) ?? .null : .null),
                ("old_output_usd_per_mtok", usd ? change.oldOutput.map(OfferJSON.perMillion) ?? .null : .null),
                ("input_usd_per_mtok", usd ? OfferJSON.perMillion(change.newInput) : .null),
                ("output_usd_per_mtok", usd ? OfferJSON.perMillion(change.newOutput) : .null),
            ])
            object["currency"] = .string(change.currency)
            object["old_input_per_mtok"] = change.oldInput.map(OfferJSON.perMillion) ?? .null
            object["old_output_per_mtok"] = change.oldOutput.map(OfferJSON.perMillion) ?? .null
            object["input_per_mtok"] = OfferJSON.perMillion(change.newInput)
            object["output_per_mtok"] = OfferJSON.perMillion(change.newOutput)
            return object
        }
        func cell(_ v: PriceValue?) -> String {
            guard let v else { return "new" }
            return v.amount.map(\.usdPerMillionTokensText) ?? "?"
        }
        let rows = changes.map { c in
            [Timestamp.iso8601(ms: c.at), c.model, "\(c.provider)/\(c.servedBy)", "\(cell(c.oldInput)) → \(cell(c.newInput))",
             "\(cell(c.oldOutput)) → \(cell(c.newOutput))", c.currency]
        }
        context.emit(
            objects, table: ResultTable(columns: ["AT", "MODEL", "PROVIDER", "/M IN", "/M OUT", "CUR"], rows: rows),
            emptyNote: "no recorded price changes for '\(model)'")
        return ExitCode.success
    }
}
