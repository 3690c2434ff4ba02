/// `broker store copy`: moves everything a store holds — offers with their refresh times and
/// pending appearances, price history, refresh runs, compute offers and their history,
/// exchange rates, the usage ledger and what keys spent — into an empty store, of either
/// backend. Values are copied exactly (integers stay integers: money in pico-units).
public enum StoreCopy {
    /// Copies every table of `source` into `target` (which must be empty), in one write
    /// transaction on the target; returns the rows copied per table name.
    public static func copy(from source: any CopyableStore, to target: any CopyableStore) async throws -> [String: Int]
    {
        var tables: [StoreTableRows] = []
        for table in StoreTable.all {
            tables.append(StoreTableRows(table: table, rows: try await source.exportRows(table)))
        }
        try await target.importRows(tables)
        return Dictionary(uniqueKeysWithValues: tables.map { ($0.table.name, $0.rows.count) })
    }
}
