/// Why an ``HTTPServer`` could not start.
public struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case invalidAddress, startFailed, alreadyRunning
    }

    private let code: Code
    /// What was being attempted (host and port).
    public let context: String

    private init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    /// The configured host is not an IPv4/IPv6 literal, or the port is out of range.
    public static func invalidAddress(_ context: String) -> HTTPServerError { .init(.invalidAddress, context) }
    /// libmicrohttpd refused to start (port in use, no permission, bad option).
    public static func startFailed(_ context: String) -> HTTPServerError { .init(.startFailed, context) }
    /// ``HTTPServer/start()`` was called on a running server.
    public static func alreadyRunning(_ context: String) -> HTTPServerError { .init(.alreadyRunning, context) }

    /// What went wrong, for a person to read; never holds a credential.
    public var description: String {
        switch code {
        case .invalidAddress: "cannot bind \(context): not an IP address and port"
        case .startFailed: "cannot start the HTTP server on \(context) (address in use or not permitted?)"
        case .alreadyRunning: "the HTTP server on \(context) is already running"
        }
    }

    /// Equal when the codes are: errors are told apart by code; the context is for people.
    public static func == (lhs: HTTPServerError, rhs: HTTPServerError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code, as equality compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
