import ProviderInterface

/// How a ``UsageRecord`` maps to the `usage` table.
enum UsageColumns {
    /// The columns an insert lists, in parameter order.
    static let names = [
        "request_id", "attempt", "at", "provider", "served_by", "model", "task", "input_tokens", "output_tokens",
        "cost_pico", "latency_ms", "first_token_ms", "outcome", "http_status", "error", "upstream",
        "tokens_estimated",
        "currency", "cost_native_pico", "price_basis", "region", "countries", "compliance",
        "cheapest_pico", "cheapest_offer",
    ]

    /// A multi-row insert of `rows` records. A record replaces the `sent` placeholder of the
    /// same attempt (written before the call); any other record already there stays, so
    /// recording the same attempt twice stores it once.
    static func insertSQL(rows: Int) -> String {
        rows >= 1 && rows <= insertSQLs.count ? insertSQLs[rows - 1] : buildInsertSQL(rows: rows)
    }

    /// ``insertSQL(rows:)`` for every statement size a batch insert uses, built once: the
    /// ledger commits a few rows at a time, and building the text cost more than binding them.
    private static let insertSQLs = (1...SQLiteConnection.insertBatchRows).map { buildInsertSQL(rows: $0) }

    private static func buildInsertSQL(rows: Int) -> String {
        SQLiteConnection.insertSQL(table: "usage", columns: names, rows: rows) + " " + conflictClause
    }

    /// What an insert does with an attempt already recorded: it replaces only the `sent`
    /// placeholder of that attempt (the same clause on every backend).
    static let conflictClause =
        "ON CONFLICT (request_id, attempt) DO UPDATE SET "
        + names.dropFirst(2).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        + " WHERE usage.outcome = '\(UsageRecord.sentOutcome)'"

    /// Appends `record` to `rows` as the parameters of an insert of ``names``.
    static func encode(_ record: UsageRecord, into rows: inout EncodedRows) {
        rows.text(record.requestID)
        rows.integer(Int64(record.attempt))
        rows.integer(record.at)
        rows.text(record.provider)
        rows.text(record.servedBy)
        rows.text(record.model)
        rows.text(record.task.rawValue)
        rows.integer(record.inputTokens)
        rows.integer(record.outputTokens)
        rows.integer(record.costPicoUSD)
        rows.integer(record.latencyMs)
        rows.integer(record.firstTokenMs)
        rows.text(record.outcome)
        rows.integer(record.httpStatus.map(Int64.init))
        rows.text(record.error)
        rows.text(record.upstream)
        rows.integer(record.tokensEstimated ? 1 : nil)
        rows.text(record.currency)
        rows.integer(record.nativeCostPico)
        rows.text(record.priceBasis ?? (record.currency == "USD" && record.costPicoUSD != nil ? "native" : nil))
        rows.text(record.region?.rawValue)
        rows.text(record.region == nil ? nil : "," + record.countries.joined(separator: ",") + ",")
        rows.text(record.region == nil ? nil : OfferColumns.encodeTags(record.compliance))
        rows.integer(record.cheapestPicoUSD)
        rows.text(record.cheapestOffer)
    }
}
