import PostgresClient

extension PostgresMarketStore: CopyableStore {
    /// Every row of `table`, in its order, from one snapshot. Values come as PostgreSQL's text
    /// (an integer's digits); each backend's columns take them back exactly.
    public func exportRows(_ table: StoreTable) throws -> [[SQLiteValue]] {
        try read {
            try db.rows("SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order)") {
                s in
                try (0..<Int32(table.columns.count)).map { column in
                    s.isNull(column) ? .null : .text(try s.text(column))
                }
            }
        }
    }

    /// Writes `tables` with `COPY`, in one transaction, into empty tables only.
    public func importRows(_ tables: [StoreTableRows]) throws {
        try write(lock: "store-copy") {
            for part in tables {
                if try db.firstRow("SELECT 1 FROM \(part.table.name) LIMIT 1", [], { _ in true }) != nil {
                    throw StoreError(
                        .notEmpty,
                        "the table \(part.table.name) of \(path) already holds rows; copy into an empty store")
                }
            }
            for part in tables where !part.rows.isEmpty {
                try db.copyRows(into: part.table.name, columns: part.table.columns, part.rows.map(PostgresSQL.values))
            }
        }
    }
}
