import Platform

/// One HTTP request as received, body complete.
public struct ServerRequest: Sendable {
    /// `GET`, `POST`, … as sent.
    public var method: String
    /// The request target as sent, e.g. `/api/models?limit=2` (not percent-decoded).
    public var target: String
    /// The target up to `?` (not percent-decoded).
    public var path: String
    /// The raw query string after `?`, without the `?`; `""` when there is none.
    public var query: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// Header fields in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The complete request body (empty when there is none).
    public var body: [UInt8]
    /// A number unique per TCP connection within one server run: two requests with the same
    /// number arrived on the same (kept-alive) connection.
    public var connectionID: Int
    /// Fires when the server stops; blocking handlers that wait should wait on it
    /// (``StopSignal/sleep(milliseconds:)``). An async handler's task is cancelled instead.
    public var stopSignal: StopSignal
    /// With the thread-per-connection and pool models, fires when the client hangs up while the
    /// handler still runs, so a blocking handler can stop work nobody will read (an async
    /// handler's task is cancelled then, on every model); `nil` on event loops and in requests
    /// built by hand.
    public var hangUp: ClientHangUp?

    /// A request value (the server builds these; tests may too).
    public init(
        method: String, target: String, version: String = "HTTP/1.1", headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], connectionID: Int = 0, stopSignal: StopSignal = StopSignal(), hangUp: ClientHangUp? = nil
    ) {
        self.method = method
        self.target = target
        // Searched as bytes: a Character search walks grapheme clusters, several times slower.
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<q])
            query = String(target[target.utf8.index(after: q)...])
        } else {
            path = target
            query = ""
        }
        self.version = version
        self.headers = headers
        self.body = body
        self.connectionID = connectionID
        self.stopSignal = stopSignal
        self.hangUp = hangUp
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        HeaderLookup.first(name, in: headers)
    }

    /// The query's name/value pairs, percent-decoded (`+` as space), repeated names kept in order.
    public var queryItems: [(name: String, value: String)] { QueryString.items(query) }
}
