import CLibPQ

/// What a prepared statement is kept by: its text and the types its parameters were
/// prepared with (a NULL first and an integer later need two statements: the server would
/// have inferred the NULL's type from its context, say `int4`, too small for an `Int64`).
struct PreparedStatementKey: Hashable {
    var sql: String
    var types: [UInt32]
}

extension PostgresConnection {
    /// The most statements a connection keeps prepared; past it they are all deallocated
    /// and prepared again as they come (SQL built from filters varies).
    public static let preparedStatementLimit = 128

    /// The name of the prepared statement for `key`, preparing it when new; `nil` when it
    /// cannot be prepared now (a failed transaction), so the caller runs the SQL unnamed.
    ///
    /// - Throws: the server's error when it refuses the SQL itself (syntax, unknown table).
    func preparedStatement(_ key: PreparedStatementKey) throws -> String? {
        if let name = preparedStatements[key] { return name }
        guard PQtransactionStatus(handle) != PQTRANS_INERROR else { return nil }
        if preparedStatements.count >= Self.preparedStatementLimit {
            guard (try? execute("DEALLOCATE ALL")) != nil else { return nil }
            preparedStatements.removeAll(keepingCapacity: true)
        }
        let name = "broker_\(nextPreparedStatement)"
        nextPreparedStatement += 1
        let raw = key.types.withUnsafeBufferPointer { types in
            PQprepare(handle, name, key.sql, Int32(key.types.count), types.baseAddress)
        }
        _ = try check(raw, sql: key.sql)
        preparedStatements[key] = name
        return name
    }

    /// Forgets (and deallocates on the server) the prepared statement for `key`.
    func deallocate(_ key: PreparedStatementKey) {
        guard let name = preparedStatements.removeValue(forKey: key) else { return }
        try? execute("DEALLOCATE \(name)")
    }
}
