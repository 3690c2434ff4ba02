import CLibPQ

extension PostgresConnection {
    /// The most parameters one statement may bind (the protocol counts them in 16 bits).
    static let parameterLimit = 65_535

    /// Inserts `rows` into `table` with multi-row `INSERT … VALUES (…), (…)` statements of
    /// up to `rowsPerStatement` rows (fewer when the 65,535-parameter limit needs it), each
    /// followed by `suffix` (say `ON CONFLICT (request_id, attempt) DO NOTHING`).
    ///
    /// Statements run one after another: wrap the call in ``inTransaction(_:_:)`` for all
    /// or nothing. Unlike ``copyRows(into:columns:_:)`` it can skip duplicates.
    ///
    /// - Returns: the rows inserted.
    @discardableResult
    public func insertRows(
        into table: String, columns: [String], _ rows: [[PostgresValue]], suffix: String = "",
        rowsPerStatement: Int = 1_000
    ) throws -> Int {
        try checkShape(columns: columns, rows)
        guard !rows.isEmpty else { return 0 }
        let head =
            "INSERT INTO \(try quotedIdentifier(table)) (\(try columns.map(quotedIdentifier).joined(separator: ", "))) VALUES "
        let perStatement = max(1, min(rowsPerStatement, Self.parameterLimit / columns.count))
        var inserted = 0
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var sql = head
            var parameter = 0
            for (offset, _) in chunk.enumerated() {
                if offset > 0 { sql += ", " }
                sql += "("
                for column in 0..<columns.count {
                    parameter += 1
                    sql += column == 0 ? "$\(parameter)" : ", $\(parameter)"
                }
                sql += ")"
            }
            if !suffix.isEmpty { sql += " " + suffix }
            inserted += try run(sql, Array(chunk.joined()))
            start += chunk.count
        }
        return inserted
    }

    /// Inserts `rows` into `table` with `COPY … FROM STDIN` (text format): the fastest way
    /// to append many rows. All or nothing: one failing row (a constraint, a bad value)
    /// inserts none. Cannot skip duplicates; see ``insertRows(into:columns:_:suffix:rowsPerStatement:)``.
    ///
    /// - Returns: the rows inserted.
    @discardableResult
    public func copyRows(into table: String, columns: [String], _ rows: [[PostgresValue]]) throws -> Int {
        try checkShape(columns: columns, rows)
        guard !rows.isEmpty else { return 0 }
        let sql =
            "COPY \(try quotedIdentifier(table)) (\(try columns.map(quotedIdentifier).joined(separator: ", "))) FROM STDIN"
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.copyChunkBytes + 4_096)
        // Encode every row before the COPY starts, so a bad value never leaves it half sent.
        var chunks: [[UInt8]] = []
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { buffer.append(0x09) }
                Self.appendCopyText(value, to: &buffer)
            }
            buffer.append(0x0A)
            if buffer.count >= Self.copyChunkBytes {
                chunks.append(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { chunks.append(buffer) }

        let start = try check(PQexec(handle, sql), sql: sql)
        guard PQresultStatus(start.handle) == PGRES_COPY_IN else {
            throw PostgresError(
                code: .server, message: "the server did not start the COPY", context: "running `\(sql)`")
        }
        for chunk in chunks {
            let sent = chunk.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            guard sent == 1 else {
                let error = failure(context: "sending rows for `\(sql)`")
                _ = PQputCopyEnd(handle, "broker: sending rows failed")
                drainResults()
                throw error
            }
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            let error = failure(context: "ending `\(sql)`")
            drainResults()
            throw error
        }
        var firstError: PostgresError?
        var copied = 0
        while let raw = PQgetResult(handle) {
            let result = PostgresResult(raw)
            if PQresultStatus(raw) == PGRES_COMMAND_OK {
                copied = result.affectedRows
            } else if firstError == nil {
                firstError = failure(result: raw, context: "running `\(sql)`")
            }
        }
        if let firstError { throw firstError }
        return copied
    }

    /// Bytes sent to the server per `PQputCopyData` call.
    static let copyChunkBytes = 256 * 1_024

    /// Every row must have one value per column, and no text may hold a NUL.
    private func checkShape(columns: [String], _ rows: [[PostgresValue]]) throws {
        guard !columns.isEmpty else {
            throw PostgresError(code: .invalidArgument, message: "no columns to insert into", context: "inserting rows")
        }
        for (index, row) in rows.enumerated() {
            guard row.count == columns.count else {
                throw PostgresError(
                    code: .invalidArgument,
                    message: "row \(index) has \(row.count) values for \(columns.count) columns",
                    context: "inserting rows")
            }
            for case .text(let text) in row where text.utf8.contains(0) {
                throw PostgresError(
                    code: .invalidArgument,
                    message: "row \(index) has text with a NUL character, which PostgreSQL text cannot hold",
                    context: "inserting rows")
            }
        }
    }

    /// Reads and discards the results still pending after a failed COPY.
    private func drainResults() {
        while let raw = PQgetResult(handle) { PQclear(raw) }
    }

    /// `value` in COPY's text format: `\N` for NULL, backslash escapes for the characters
    /// that separate columns and rows.
    static func appendCopyText(_ value: PostgresValue, to buffer: inout [UInt8]) {
        guard let text = value.textFormat else {
            buffer.append(contentsOf: [0x5C, 0x4E])  // \N
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])  // \\
            case 0x09: buffer.append(contentsOf: [0x5C, 0x74])  // \t
            case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])  // \n
            case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])  // \r
            default: buffer.append(byte)
            }
        }
    }
}
