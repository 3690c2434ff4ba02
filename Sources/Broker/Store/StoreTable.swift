/// One table of the store's schema as `broker store copy` moves it: its name, the columns
/// copied (all but the generated id) and the order its rows are read and written in. Ids are
/// generated afresh in that order, so ties ("… ORDER BY price, id") break as they did.
public struct StoreTable: Sendable, Hashable {
    /// The table's name, the same on every backend.
    public var name: String
    /// The columns copied, in bind order.
    public var columns: [String]
    /// The ORDER BY of the rows read.
    public var order: String

    /// Every table a copy moves, parents first; `leases`, `key_reservations` and `key_rates`
    /// (held by running processes) are not among them, nor `key_spending.reserved_pico`.
    public static let all: [StoreTable] = [
        StoreTable(name: "providers", columns: ["key", "offers", "replaced_at"], order: "key"),
        StoreTable(name: "offers", columns: OfferColumns.writtenNames, order: "id"),
        StoreTable(
            name: "refresh_runs",
            columns: ["provider", "status", "models", "offers", "duration_ms", "error", "started_at"],
            order: "id"),
        StoreTable(name: "price_history", columns: PriceHistoryColumns.names, order: "id"),
        StoreTable(name: "usage", columns: UsageColumns.names, order: "id"),
        StoreTable(name: "key_spending", columns: ["name", "spent_pico", "updated_at"], order: "name"),
        StoreTable(
            name: "compute_sources", columns: ["key", "offers", "version", "currencies", "replaced_at"], order: "key"),
        StoreTable(name: "compute_offers", columns: ComputeColumns.writtenNames, order: "id"),
        StoreTable(name: "compute_price_history", columns: ComputeColumns.historyNames, order: "id"),
        StoreTable(
            name: "exchange_rates", columns: ["base", "currency", "rate", "date", "source", "fetched_at"],
            order: "base, currency"),
    ]
}
