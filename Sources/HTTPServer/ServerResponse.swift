/// The answer to one ``ServerRequest``.
public struct ServerResponse: Sendable {
    /// What the body is made of.
    public enum Body: Sendable {
        /// A complete body, sent with `Content-Length`.
        case bytes([UInt8])
        /// A body produced piece by piece by a blocking producer (a blocking handler's; chunked,
        /// or with a declared length), sent as produced.
        case stream(ResponseStream)
        /// A body that is an async sequence of byte chunks (an async handler's; chunked, or with
        /// a declared length), sent as they come.
        case sequence(ResponseBody)
    }

    /// The status code.
    public var status: Int
    /// Header fields. `Content-Length` is set by the server (from the body) and ignored here;
    /// `Connection: close` closes the connection after this response.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Body

    /// A response.
    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a complete body.
    public init(status: Int = 200, headers: [(name: String, value: String)] = [], bytes: [UInt8]) {
        self.init(status: status, headers: headers, body: .bytes(bytes))
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> ServerResponse {
        ServerResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], bytes: Array(text.utf8))
    }
}
