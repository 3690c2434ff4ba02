import HTTPServer
import Platform
import ProviderInterface

/// A request the simulator received, as it arrived.
public struct RecordedRequest: Sendable {
    /// The HTTP method.
    public var method: String
    /// The path without the query (not percent-decoded).
    public var path: String
    /// The raw query string without `?`; `""` if none.
    public var query: String
    /// Header fields in arrival order.
    public var headers: [(name: String, value: String)]
    /// The request body as received.
    public var body: [UInt8]
    /// Same number = same TCP connection (keep-alive evidence).
    public var connectionID: Int

    /// A recorded request.
    public init(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], connectionID: Int = 0
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.connectionID = connectionID
    }

    init(_ request: ServerRequest) {
        self.init(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            body: request.body,
            connectionID: request.connectionID)
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? { HeaderLookup.first(name, in: headers) }

    /// The query's pairs, percent-decoded, repeated names kept in order.
    public var queryItems: [(name: String, value: String)] { QueryString.items(query) }

    /// The values of query parameter `name`, in order.
    public func queryValues(_ name: String) -> [String] { queryItems.filter { $0.name == name }.map(\.value) }

    /// The body parsed as JSON, or `nil` when it is not JSON.
    public var json: JSONValue? { try? JSONParser.parse(body) }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
