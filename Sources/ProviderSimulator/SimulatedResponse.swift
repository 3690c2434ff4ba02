import Platform

/// A response a custom route returns.
public struct SimulatedResponse: Sendable {
    /// How the body is sent.
    public enum Body: Sendable {
        /// All at once, with `Content-Length`.
        case bytes([UInt8])
        /// Streamed (chunked) in order, waiting `delayMs` between chunks.
        case chunks([[UInt8]], delayMs: Int)
    }

    /// The HTTP status.
    public var status: Int
    /// The response headers, in order.
    public var headers: [(String, String)]
    /// The response body.
    public var body: Body

    /// A response.
    public init(status: Int = 200, headers: [(String, String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`Content-Type: application/json` unless `headers` set one).
    public static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> SimulatedResponse {
        SimulatedResponse(
            status: status, headers: withContentType(headers, "application/json"), body: .bytes(Array(text.utf8)))
    }

    /// A JSON response from bytes.
    static func json(bytes: [UInt8], status: Int = 200, headers: [(String, String)] = []) -> SimulatedResponse {
        SimulatedResponse(status: status, headers: withContentType(headers, "application/json"), body: .bytes(bytes))
    }

    /// A `text/plain` response.
    public static func text(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> SimulatedResponse {
        SimulatedResponse(
            status: status, headers: withContentType(headers, "text/plain; charset=utf-8"),
            body: .bytes(Array(text.utf8)))
    }

    /// A server-sent-event stream: each element is one event's data, written `data: <e>\n\n`,
    /// then `data: [DONE]\n\n`, each event flushed as its own chunk.
    public static func sse(_ events: [String], delayMs: Int = 0) -> SimulatedResponse {
        SimulatedResponse(
            status: 200, headers: sseHeaders,
            body: .chunks((events + ["[DONE]"]).map { Array("data: \($0)\n\n".utf8) }, delayMs: delayMs))
    }

    static let sseHeaders: [(String, String)] = [
        ("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"),
    ]

    private static func withContentType(_ headers: [(String, String)], _ type: String) -> [(String, String)] {
        headers.contains { HeaderLookup.namesMatch($0.0, "Content-Type") }
            ? headers : [("Content-Type", type)] + headers
    }

    /// The body's bytes, all chunks joined.
    var bodyBytes: [UInt8] {
        switch body {
        case .bytes(let bytes): bytes
        case .chunks(let chunks, _): chunks.flatMap { $0 }
        }
    }
}
