/// A failed PostgreSQL call: what kind of failure, the server's SQLSTATE when it sent one,
/// the message, and what was being done.
///
/// The description never contains bound values or the connection URI's password: messages
/// from libpq are scrubbed of the password before they are kept, the URI appears only in its
/// described form (``PostgresURI/description``), and SQL appears with its `$n` placeholders.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidURI = "invalid connection URI"
            case connectionFailed = "connection failed"
            case connectionLost = "connection lost"
            case server = "statement failed"
            case decoding = "unexpected value"
            case invalidArgument = "invalid argument"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The text is not a libpq connection URI, or libpq cannot parse it.
        public static let invalidURI = Code(.invalidURI)
        /// No connection could be made: host unreachable, password refused, database missing.
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke (server restarted, backend terminated, network gone). The
        /// statement may or may not have run; ``PostgresConnection/reconnect()`` and retry
        /// what is safe to retry.
        public static let connectionLost = Code(.connectionLost)
        /// The server refused or failed the statement; ``PostgresError/sqlState`` says why.
        public static let server = Code(.server)
        /// A column's value is not of the type the caller read it as (or is out of range).
        public static let decoding = Code(.decoding)
        /// An argument PostgreSQL cannot take (text with a NUL character, an empty channel name).
        public static let invalidArgument = Code(.invalidArgument)

        /// The kind in words (`connection lost`).
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The server's five-character SQLSTATE (`23505` unique violation, `40001` serialization
    /// failure, `57P01` backend terminated…), when the server sent one.
    public var sqlState: String?
    /// The server's or libpq's message, with the URI's password removed.
    public var message: String
    /// What was being done: the SQL with its placeholders, or `connecting to <described URI>`.
    public var context: String?

    /// An error from its parts. `message` and `context` must already be free of secrets.
    public init(code: Code, sqlState: String? = nil, message: String, context: String? = nil) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.context = context
    }

    /// Whether the same work may succeed if simply tried again (on a new connection when the
    /// old one was lost): a lost connection, a serialization failure or deadlock, a server
    /// shutting down or starting up, an exclusion by a concurrent transaction's lock timeout.
    public var isRetryable: Bool {
        if code == .connectionLost { return true }
        guard code == .server, let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["40001", "40P01", "55P03", "57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// Whether a constraint (unique, foreign key, check, not null) refused the statement.
    public var isConstraintViolation: Bool { sqlState?.hasPrefix("23") ?? false }

    /// Whether a unique constraint refused the statement (SQLSTATE 23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// `PostgreSQL <kind> (SQLSTATE x): <message> — while <context>`.
    public var description: String {
        var text = "PostgreSQL \(code)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        text += ": \(message)"
        if let context { text += " — while \(context)" }
        return text
    }
}
