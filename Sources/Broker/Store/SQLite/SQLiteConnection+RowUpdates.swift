extension SQLiteConnection {
    /// Runs `sql`, an UPDATE of one row whose id is its last parameter, once per `(index, id)`
    /// of `rows`: `encode` writes the `columns` new values for `index`, then the id is bound.
    /// One cached statement, one row at a time (each lands on its own pages).
    func updateEach(
        _ rows: [(index: Int, id: Int64)], sql: String, columns: Int, encode: (Int, inout EncodedRows) -> Void
    ) throws {
        guard !rows.isEmpty else { return }
        let statement = try cachedStatement(sql)
        var row = EncodedRows(columns: columns + 1, rowCapacity: 1)
        for (index, id) in rows {
            row.removeAll()
            encode(index, &row)
            row.integer(id)
            try row.execute(rows: 0, count: 1, statement: statement)
        }
    }

    /// Inserts a row per index of `order`, in that order, through
    /// ``insertPipelined(count:columns:sql:encode:)``: `encode` writes the `columns` values of
    /// one index's row, on the encoding thread.
    func insertEach(
        _ order: [Int], columns: Int, sql: (Int) -> String, encode: @escaping @Sendable (Int, inout EncodedRows) -> Void
    ) throws {
        try insertPipelined(count: order.count, columns: columns, sql: sql) { range, rows in
            for index in order[range] { encode(index, &rows) }
        }
    }
}
