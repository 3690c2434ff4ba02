import CSQLite

/// A failed SQLite call: the result code, SQLite's own message and the SQL it ran.
///
/// The description never contains bound values (prices, prompts, request ids): only the
/// statement text with its `?` placeholders, so errors can be logged as they are.
public struct SQLiteError: StoreBackendError, Sendable, Hashable {
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY_SNAPSHOT`, …).
    public var extendedCode: Int32
    /// SQLite's message for the failure (`sqlite3_errmsg`).
    public var message: String
    /// The SQL being prepared or run, when there was one.
    public var sql: String?
    /// The database file of the connection that failed, when SQLite knows it.
    public var store: String?

    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …).
    public var code: Int32 { extendedCode & 0xff }

    /// An error from its parts.
    public init(extendedCode: Int32, message: String, sql: String? = nil, store: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.store = store
    }

    /// The error SQLite reports for `db` after a call returned `resultCode`.
    init(resultCode: Int32, db: OpaquePointer?, sql: String?) {
        let extended = db.map { sqlite3_extended_errcode($0) } ?? resultCode
        // The connection's last error may be stale when the call itself failed early
        // (misuse): fall back to the generic text for the returned code.
        let code = (extended & 0xff) == (resultCode & 0xff) ? extended : resultCode
        let text: String
        if let db, let cText = sqlite3_errmsg(db), (extended & 0xff) == (resultCode & 0xff) {
            text = String(cString: cText)
        } else {
            text = String(cString: sqlite3_errstr(resultCode))
        }
        // The file lets every caller name the store it failed on ("" for a temporary database).
        let file = db.flatMap { sqlite3_db_filename($0, "main") }.map { String(cString: $0) }
        self.init(extendedCode: code, message: text, sql: sql, store: file?.isEmpty == false ? file : nil)
    }

    /// Another connection held the lock past the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// Busy is the one temporary store failure: waiting for the other process may help.
    public var isTemporary: Bool { isBusy }
    /// A constraint (unique, not null, foreign key, check) was violated.
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    /// What went wrong, for a person to read; never holds a credential.
    public var description: String {
        var text = "SQLite error \(extendedCode) (\(String(cString: sqlite3_errstr(extendedCode)))): \(message)"
        if let sql { text += " — while running `\(sql)`" }
        return text
    }
}
