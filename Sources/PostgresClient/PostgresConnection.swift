import CLibPQ

/// One connection to a PostgreSQL server, through libpq.
///
/// Not `Sendable`, and not safe to use from two threads at once (libpq's rule for a
/// `PGconn`): confine each connection to one owner (an actor, or one thread), and open one
/// connection per owner. Calls block their thread until the server answers, so an owner
/// that must not block (an event loop) runs them on a thread of its own. A connection that
/// only listens for notifications (``waitForNotifications(timeout:)``) should be a
/// dedicated one.
///
/// Statements run with parameters (`$1`, `$2`, …) in text format (``PostgresValue``); rows
/// are read through ``PostgresRow``. When the server goes away, calls throw
/// ``PostgresError/Code-swift.struct/connectionLost`` until ``reconnect()`` succeeds.
public final class PostgresConnection {
    /// The libpq connection, finished in `deinit`.
    let handle: OpaquePointer
    /// The URI it was opened with; its description and redaction serve every error.
    public let uri: PostgresURI
    /// Server-side prepared statements by SQL and parameter types, named `broker_<n>`.
    var preparedStatements: [PreparedStatementKey: String] = [:]
    /// The number the next prepared statement's name takes.
    var nextPreparedStatement = 0

    /// Seconds a connection attempt waits for the server, unless the URI sets `connect_timeout`.
    public static let defaultConnectTimeoutSeconds = 10

    /// Connects to the server `uri` names.
    ///
    /// - Throws: ``PostgresError/Code-swift.struct/invalidURI`` for a malformed URI,
    ///   ``PostgresError/Code-swift.struct/connectionFailed`` when no connection could be made
    ///   (the message says why: refused, password rejected, no such database, …). Neither
    ///   contains the password.
    public convenience init(uri text: String) throws {
        try self.init(uri: PostgresURI(text))
    }

    /// Connects to the server `uri` names (see ``init(uri:)-(String)``).
    public init(uri: PostgresURI) throws {
        // Options before the expanded URI are defaults the URI may override; the one after it
        // is forced: text is UTF-8 (Swift's strings) whatever the database's own encoding.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname", "client_encoding"]
        let values = [String(Self.defaultConnectTimeoutSeconds), "broker", uri.text, "UTF8"]
        let connection = Self.withCStrings(keywords) { k in
            Self.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let connection else {
            throw PostgresError(
                code: .connectionFailed, message: "libpq could not allocate a connection",
                context: "connecting to \(uri)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = uri.redact(PostgresURI.trimmed(String(cString: PQerrorMessage(connection))))
            PQfinish(connection)
            throw PostgresError(code: .connectionFailed, message: message, context: "connecting to \(uri)")
        }
        // libpq prints the server's notices (NOTICE, WARNING) to stderr by default: they
        // would land in the server's output. Statements that matter fail with errors instead.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.handle = connection
        self.uri = uri
    }

    deinit { PQfinish(handle) }

    /// Whether the connection is up, as far as libpq knows without asking the server.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server process serving this connection (`pg_backend_pid()`).
    public var backendPID: Int32 { PQbackendPID(handle) }

    /// Whether a transaction is open (or failed and not yet rolled back) on this connection.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Closes the connection and opens it again with the same URI: after
    /// ``PostgresError/Code-swift.struct/connectionLost``. Session state (listened channels,
    /// advisory locks, settings) is gone and must be set up again.
    ///
    /// - Throws: ``PostgresError/Code-swift.struct/connectionFailed`` while the server is still away.
    public func reconnect() throws {
        // A new session has none of the old one's prepared statements.
        preparedStatements.removeAll()
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(
                code: .connectionFailed, message: connectionMessage(), context: "reconnecting to \(uri)")
        }
    }

    /// Runs one or more SQL statements that take no parameters (schema, `SET`), as one
    /// simple query: several statements run in one implicit transaction.
    public func execute(_ sql: String) throws {
        _ = try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs `sql` with `arguments` and returns the rows it changed (0 for statements that
    /// change none). Only one statement. Like ``rows(_:_:_:)`` and ``firstRow(_:_:_:)``, it
    /// prepares `sql` on the server the first time and reuses the statement after (up to
    /// ``preparedStatementLimit`` per connection): PostgreSQL parses and plans it once.
    @discardableResult
    public func run(_ sql: String, _ arguments: [PostgresValue] = []) throws -> Int {
        let result = try query(sql, arguments)
        return result.affectedRows
    }

    /// The rows of `sql` with `arguments`, each mapped by `row`.
    public func rows<T>(_ sql: String, _ arguments: [PostgresValue] = [], _ row: (PostgresRow) throws -> T) throws
        -> [T]
    {
        let result = try query(sql, arguments)
        var out: [T] = []
        out.reserveCapacity(Int(result.rowCount))
        for index in 0..<result.rowCount {
            out.append(try row(PostgresRow(result: result.handle, index: index, sql: sql)))
        }
        return out
    }

    /// The first row of `sql` with `arguments`, mapped by `row`, or `nil` when there is none.
    public func firstRow<T>(_ sql: String, _ arguments: [PostgresValue] = [], _ row: (PostgresRow) throws -> T) throws
        -> T?
    {
        let result = try query(sql, arguments)
        guard result.rowCount > 0 else { return nil }
        return try row(PostgresRow(result: result.handle, index: 0, sql: sql))
    }

    /// Runs one statement with parameters and returns its checked result.
    func query(_ sql: String, _ arguments: [PostgresValue]) throws -> PostgresResult {
        var texts: [String?] = []
        texts.reserveCapacity(arguments.count)
        for (index, argument) in arguments.enumerated() {
            let text = argument.textFormat
            if let text, text.utf8.contains(0) {
                throw PostgresError(
                    code: .invalidArgument,
                    message: "parameter $\(index + 1) contains a NUL character, which PostgreSQL text cannot hold",
                    context: "running `\(sql)`")
            }
            texts.append(text)
        }
        let types = arguments.map(\.typeOID)
        let key = PreparedStatementKey(sql: sql, types: types)
        guard let name = try preparedStatement(key) else {
            // Not prepared (a failed transaction refuses even that): run it unnamed.
            let raw = Self.withOptionalCStrings(texts) { values in
                types.withUnsafeBufferPointer { types in
                    PQexecParams(handle, sql, Int32(arguments.count), types.baseAddress, values, nil, nil, 0)
                }
            }
            return try check(raw, sql: sql)
        }
        func executePrepared(_ name: String) -> OpaquePointer? {
            Self.withOptionalCStrings(texts) { values in
                PQexecPrepared(handle, name, Int32(arguments.count), values, nil, nil, 0)
            }
        }
        do {
            return try check(executePrepared(name), sql: sql)
        } catch let error as PostgresError where ["0A000", "26000"].contains(error.sqlState) {
            // 0A000 "cached plan must not change result type": a migration changed a table
            // under a prepared `SELECT *`; 26000: the statement is gone (`DISCARD ALL`). Forget
            // it and prepare it again. Inside a transaction the error has already aborted it:
            // the caller's retry of the transaction prepares afresh.
            deallocate(key)
            guard !isInTransaction, let name = try preparedStatement(key) else { throw error }
            return try check(executePrepared(name), sql: sql)
        }
    }

    /// Takes ownership of `raw` and throws when it reports a failure.
    func check(_ raw: OpaquePointer?, sql: String) throws -> PostgresResult {
        guard let raw else { throw failure(context: "running `\(sql)`") }
        let result = PostgresResult(raw)
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return result
        default:
            throw failure(result: raw, context: "running `\(sql)`")
        }
    }

    /// The error for a failed call: `connectionLost` when the connection is down now,
    /// else the server's error carried by `result` (or libpq's message when there is none).
    func failure(result: OpaquePointer? = nil, context: String) -> PostgresError {
        var sqlState: String?
        var message: String?
        if let result {
            // PG_DIAG_SQLSTATE ('C') and PG_DIAG_MESSAGE_PRIMARY ('M') are character macros.
            sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { uri.redact(String(cString: $0)) }
        }
        let lost = PQstatus(handle) == CONNECTION_BAD
        return PostgresError(
            code: lost ? .connectionLost : .server, sqlState: sqlState, message: message ?? connectionMessage(),
            context: context)
    }

    /// libpq's last message for this connection, without the password.
    func connectionMessage() -> String {
        let text = PostgresURI.trimmed(String(cString: PQerrorMessage(handle)))
        return uri.redact(text.isEmpty ? "no message from libpq" : text)
    }

    /// Runs `body` with C strings for `strings`, followed by a NULL (libpq's keyword arrays).
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        withOptionalCStrings(strings.map { Optional($0) }) { pointers in body(pointers + [nil]) }
    }

    /// Runs `body` with C strings for `strings`, `nil` staying a NULL pointer.
    static func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var owned: [UnsafeMutablePointer<CChar>?] = []
        owned.reserveCapacity(strings.count)
        defer { for pointer in owned { pointer?.deallocate() } }
        for string in strings {
            guard let string else {
                owned.append(nil)
                continue
            }
            let utf8 = string.utf8
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
            var index = 0
            for byte in utf8 {
                pointer[index] = CChar(bitPattern: byte)
                index += 1
            }
            pointer[index] = 0
            owned.append(pointer)
        }
        return body(owned.map { $0.map { UnsafePointer($0) } })
    }
}

@available(*, unavailable, message: "Confine a connection to one owner, such as an actor or one thread")
extension PostgresConnection: Sendable {}
