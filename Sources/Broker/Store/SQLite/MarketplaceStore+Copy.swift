import CSQLite

extension MarketplaceStore: CopyableStore {
    /// Every row of `table`, in its order, each value as SQLite holds it (integer, text or NULL).
    public func exportRows(_ table: StoreTable) throws -> [[SQLiteValue]] {
        try db.inTransaction(.deferred) {
            try db.rows("SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order)") {
                s in
                (0..<Int32(table.columns.count)).map { column in
                    switch sqlite3_column_type(s.handle, column) {
                    case SQLITE_NULL: .null
                    case SQLITE_INTEGER: .integer(s.int64(column))
                    default: .text(s.text(column))
                    }
                }
            }
        }
    }

    /// Writes `tables` in one `BEGIN IMMEDIATE` transaction, into empty tables only.
    public func importRows(_ tables: [StoreTableRows]) throws {
        try db.inTransaction(.immediate) {
            for part in tables {
                if try db.firstRow("SELECT 1 FROM \(part.table.name) LIMIT 1", [], { _ in true }) != nil {
                    throw StoreError(
                        .notEmpty,
                        "the table \(part.table.name) of \(path) already holds rows; copy into an empty store")
                }
            }
            for part in tables {
                let sql = SQLiteConnection.insertSQL(table: part.table.name, columns: part.table.columns, rows: 1)
                for row in part.rows { try db.run(sql, row) }
            }
        }
    }
}
