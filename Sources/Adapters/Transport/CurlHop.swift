#if canImport(Glibc)
    import Glibc
#endif
import Platform

/// One exchange on the wire — what a single curl transfer sends. A request that is
/// redirected becomes several hops.
struct CurlHop: Sendable {
    /// `GET`, `POST`, …
    var method: String
    /// Where it goes (already checked: https, or http to loopback).
    var url: TransportURL
    /// Header fields sent, in order.
    var headers: [HTTPHeader]
    /// The body, if any.
    var body: [UInt8]?
    /// Connect timeout in milliseconds.
    var connectMs: Int
    /// Time allowed from the start of the transfer to the first response byte.
    var firstByteMs: Int
    /// Time allowed for this hop, body included (what is left of the request's total).
    var totalMs: Int
    /// The longest silence allowed once the response has begun; nil: none.
    var idleMs: Int?
    /// The largest response body accepted.
    var maxResponseBytes: Int
    /// The certificate authorities to trust instead of the system's, if any.
    var caBundlePath: String?

    /// The first hop of a request, after checking its URL and headers.
    init(_ request: HTTPRequest) throws(TransportError) {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw TransportError(.other, "the method is not a valid HTTP token")
        }
        let url = try TransportURL.parsed(request.url)
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw TransportError(.other, "a header name is not a valid HTTP token")
            }
            // A line break in a value would let it inject headers; the value is not echoed.
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw TransportError(.other, "the value of header \(header.name) contains a line break")
            }
        }
        self.method = method
        self.url = url
        self.headers = request.headers
        self.body = request.body
        self.connectMs = max(1, request.timeouts.connectMs)
        self.firstByteMs = max(1, request.timeouts.firstByteMs)
        self.totalMs = max(1, request.timeouts.totalMs)
        self.idleMs = request.timeouts.idleMs.map { max(1, $0) }
        self.maxResponseBytes = max(0, request.maxResponseBytes)
        self.caBundlePath = request.caBundlePath ?? Self.environmentCABundle
    }

    /// `$BROKER_CA_BUNDLE`, read once.
    private static let environmentCABundle: String? = {
        guard let raw = getenv("BROKER_CA_BUNDLE") else { return nil }
        let path = String(cString: raw)
        return path.isEmpty ? nil : path
    }()

    /// Method and redacted URL: the context of every error message.
    var context: String { "\(method) \(url.redacted)" }

    /// Whether a header named `name` is present (names compare case-insensitively).
    func hasHeader(_ name: String) -> Bool {
        headers.contains { HeaderLookup.namesMatch($0.name, name) }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        let mask = byte < 64 ? tokenBytes.0 : tokenBytes.1
        return byte < 128 && mask & (1 << UInt64(byte & 63)) != 0
    }

    /// The `tchar` bytes as two 64-bit masks: a lookup instead of a search per byte of every
    /// header name of every request.
    private static let tokenBytes: (UInt64, UInt64) = {
        var masks: (UInt64, UInt64) = (0, 0)
        for byte in "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8 {
            if byte < 64 { masks.0 |= 1 << UInt64(byte) } else { masks.1 |= 1 << UInt64(byte - 64) }
        }
        return masks
    }()
}
