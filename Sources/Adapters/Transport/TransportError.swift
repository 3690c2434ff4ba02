import ProviderInterface

/// A failure below HTTP: the request never got a complete answer.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The text form, as written in messages and JSON.
        public var rawValue: String
        /// The value of this text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The URL is not `https` and its host is not loopback, or it cannot be parsed.
        public static let insecureURL = Code(rawValue: "insecure_url")
        /// Could not connect (refused, DNS, TLS).
        public static let connectFailed = Code(rawValue: "connect_failed")
        /// The connect timeout expired.
        public static let connectTimeout = Code(rawValue: "connect_timeout")
        /// No byte of the response arrived within the first-byte timeout.
        public static let firstByteTimeout = Code(rawValue: "first_byte_timeout")
        /// A response that had begun fell silent for longer than its idle bound.
        public static let idleTimeout = Code(rawValue: "idle_timeout")
        /// The total timeout expired.
        public static let totalTimeout = Code(rawValue: "total_timeout")
        /// The connection broke before the response was complete.
        public static let connectionBroken = Code(rawValue: "connection_broken")
        /// The response body exceeded the request's limit.
        public static let tooLarge = Code(rawValue: "too_large")
        /// A redirect could not be followed (too many, or no usable `Location`).
        public static let badRedirect = Code(rawValue: "bad_redirect")
        /// A host the request was redirected to (without its credential) refused it (401, 403).
        public static let redirectRefused = Code(rawValue: "redirect_refused")
        /// The server's reply is not HTTP.
        public static let badReply = Code(rawValue: "bad_reply")
        /// The request was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
        /// Any other failure.
        public static let other = Code(rawValue: "other")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, without credentials or query strings.
    public var message: String

    /// An error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// What went wrong, for a person to read; never holds a credential.
    public var description: String { "\(code.rawValue): \(message)" }

    /// This failure as the provider error adapters throw.
    public func providerError(provider: String?) -> ProviderError {
        switch code {
        case .connectTimeout, .firstByteTimeout, .idleTimeout, .totalTimeout:
            return ProviderError(.timeout, provider: provider, message: message)
        case .tooLarge:
            return ProviderError(.tooLarge, provider: provider, message: message)
        case .redirectRefused:
            return ProviderError(.auth, provider: provider, message: message)
        case .badReply:
            return ProviderError(.malformedResponse, provider: provider, message: message)
        case .insecureURL:
            return ProviderError(.badInput, provider: provider, message: message)
        default:
            return ProviderError(.transport, provider: provider, message: message)
        }
    }
}
