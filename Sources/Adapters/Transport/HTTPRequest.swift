import Platform
import ProviderInterface

/// One HTTP request, built by an adapter's pure request-building functions.
public struct HTTPRequest: Sendable, Hashable {
    /// `GET`, `POST`, …
    public var method: String
    /// The absolute URL (`https://…`; `http://` only for loopback hosts).
    public var url: String
    /// Header fields in order.
    public var headers: [HTTPHeader]
    /// The body, if any.
    public var body: [UInt8]?
    /// Bounds on the request.
    public var timeouts: HTTPTimeouts
    /// The largest response body accepted, in bytes.
    public var maxResponseBytes: Int
    /// How many same-host redirects may be followed. Credentials are never sent to
    /// another host: a cross-host redirect is followed only without ``sensitiveHeaderNames``.
    public var maxRedirects: Int
    /// Header names (lower case) that carry credentials: never logged, never sent to another host.
    public var sensitiveHeaderNames: Set<String>
    /// A PEM file of the certificate authorities to trust for `https` instead of the system's
    /// (a provider, or a `broker serve`, behind a private CA); nil uses `$BROKER_CA_BUNDLE`
    /// when it is set, else the system's.
    public var caBundlePath: String?

    /// A request with default limits (64 MiB body, 5 redirects).
    public init(
        method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        timeouts: HTTPTimeouts = HTTPTimeouts(), maxResponseBytes: Int = 64 << 20, maxRedirects: Int = 5,
        sensitiveHeaderNames: Set<String> = ["authorization", "x-api-key", "api-key", "x-goog-api-key"],
        caBundlePath: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
        self.sensitiveHeaderNames = sensitiveHeaderNames
        self.caBundlePath = caBundlePath
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        HeaderLookup.first(name, in: headers)
    }
}

/// One header field.
public struct HTTPHeader: HeaderField, Sendable, Hashable {
    /// The field name as sent.
    public var name: String
    /// The field value.
    public var value: String

    /// A header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Time bounds of one request, in milliseconds.
public struct HTTPTimeouts: Sendable, Hashable {
    /// Time to establish the connection (TCP and TLS).
    public var connectMs: Int
    /// Time from sending the request to the first byte of the response.
    public var firstByteMs: Int
    /// Time for the whole exchange, body included.
    public var totalMs: Int
    /// The longest silence allowed between two pieces of the response once it has begun;
    /// `nil`: no bound but ``totalMs``.
    public var idleMs: Int?
    /// The cap on a stream's whole length (the registry's `max_duration`), used by ``streaming``;
    /// `nil`: a stream that keeps sending is never cut.
    public var maxStreamMs: Int?

    /// A total that never expires in practice (about 24 days, libcurl's largest timeout).
    public static let unbounded = Int(Int32.max)

    /// Bounds: 10 s to connect, 30 s to the first byte, 120 s in all, by default.
    public init(
        connectMs: Int = 10_000, firstByteMs: Int = 30_000, totalMs: Int = 120_000, idleMs: Int? = nil,
        maxStreamMs: Int? = nil
    ) {
        self.connectMs = connectMs
        self.firstByteMs = firstByteMs
        self.totalMs = totalMs
        self.idleMs = idleMs
        self.maxStreamMs = maxStreamMs
    }

    /// These bounds for a streamed answer: a stream is bounded by silence, not by length.
    /// ``totalMs`` (the entry's or the request's `timeout`) becomes the bound on the wait for
    /// the first byte and on the silence between chunks; the whole stream is capped only by
    /// ``maxStreamMs`` when one is set.
    public var streaming: HTTPTimeouts {
        var result = self
        result.firstByteMs = min(firstByteMs, totalMs)
        result.idleMs = min(idleMs ?? totalMs, totalMs)
        result.totalMs = maxStreamMs ?? Self.unbounded
        return result
    }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// Header fields of the final response, in order.
    public var headers: [HTTPHeader]
    /// The body, decoded from any content encoding.
    public var body: [UInt8]
    /// The URL that answered (after same-host redirects).
    public var url: String

    /// A response.
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], url: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        HeaderLookup.first(name, in: headers)
    }

    /// The body as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A response whose body arrives piece by piece (for SSE).
public struct HTTPStreamingResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields.
    public var headers: [HTTPHeader]
    /// The body in chunks of arbitrary size, in order; ends with an error if the
    /// transfer breaks, times out or grows past the size limit.
    public var body: AsyncThrowingStream<[UInt8], any Error>

    /// A streaming response.
    public init(status: Int, headers: [HTTPHeader], body: AsyncThrowingStream<[UInt8], any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        HeaderLookup.first(name, in: headers)
    }
}

/// The one transport call adapters make. The libcurl implementation is ``CurlTransport``;
/// tests may substitute a recording fake.
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns the whole response.
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
    /// Sends a request and returns as soon as the status and headers are in; the body streams.
    func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse
}
