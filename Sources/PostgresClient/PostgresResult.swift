import CLibPQ

/// A libpq result (`PGresult`), cleared when released. Internal: rows leave it only as
/// values, through ``PostgresRow`` while the result is alive.
final class PostgresResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    /// Rows returned.
    var rowCount: Int32 { PQntuples(handle) }

    /// Rows changed by an INSERT, UPDATE, DELETE or COPY (0 for other statements).
    var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    /// The command tag (`INSERT 0 3`, `COMMIT`, `ROLLBACK`, …).
    var commandStatus: String { PQcmdStatus(handle).map { String(cString: $0) } ?? "" }
}
