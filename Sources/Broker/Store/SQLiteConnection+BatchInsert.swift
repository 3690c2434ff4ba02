extension SQLiteConnection {
    /// `INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows: row `r`'s
    /// parameters start after `r` × `columns.count`.
    static func insertSQL(table: String, columns: [String], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// Rows per multi-row INSERT: 32 offers bind 800 parameters, well under SQLite's limit.
    static let insertBatchRows = 32

    /// Inserts one row per element of `rows`, up to ``insertBatchRows`` rows per
    /// multi-row INSERT: one statement step per batch instead of per row, which makes
    /// storing 100,000 offers markedly cheaper.
    ///
    /// - Parameters:
    ///   - columns: the parameters of one row.
    ///   - sql: the INSERT of a given number of rows.
    ///   - text: the buffer the rows' text is gathered in, bound without copying.
    ///   - bind: binds one element's row, whose parameters start after the given offset.
    func insertBatched<Row>(
        _ rows: [Row], columns: Int, sql: (Int) -> String, text: inout BorrowedTextRow,
        bind: (Row, Statement, inout BorrowedTextRow, Int32) throws -> Void
    ) throws {
        guard !rows.isEmpty else { return }
        let batch = Self.insertBatchRows
        let full = rows.count >= batch ? try cachedStatement(sql(batch)) : nil
        var start = 0
        while start < rows.count {
            let count = min(batch, rows.count - start)
            let statement: Statement
            if count == batch, let full {
                statement = full
            } else {
                statement = try cachedStatement(sql(count))
            }
            text.removeAll()
            for r in 0..<count { try bind(rows[start + r], statement, &text, Int32(r * columns)) }
            try text.execute(statement)
            start += count
        }
    }
}
