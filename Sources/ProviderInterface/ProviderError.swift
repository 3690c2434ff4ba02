/// The one error a provider operation throws. Callers tell causes apart by ``code``;
/// ``description`` is safe to show: it never holds a credential.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; its raw value is the `outcome` recorded for an attempt.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The text form, as written in messages and JSON.
        public var rawValue: String
        /// The value of this text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The request was invalid for this provider (400, 422). Not retried elsewhere.
        public static let badInput = Code(rawValue: "bad_input")
        /// The credential is missing or refused (401, 403).
        public static let auth = Code(rawValue: "auth")
        /// The account has no credit left (402).
        public static let outOfCredits = Code(rawValue: "out_of_credits")
        /// Too many requests (429); see ``ProviderError/retryAfterMs``.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// This provider does not serve the model (404, `model_not_supported`).
        public static let notServed = Code(rawValue: "not_served")
        /// Temporarily unavailable (503, model loading); see ``ProviderError/retryAfterMs``.
        public static let unavailable = Code(rawValue: "unavailable")
        /// Any other error status from the provider.
        public static let providerError = Code(rawValue: "provider_error")
        /// The provider answered something that cannot be parsed.
        public static let malformedResponse = Code(rawValue: "malformed_response")
        /// The connection failed or broke.
        public static let transport = Code(rawValue: "transport")
        /// A connect, first-byte or total timeout expired.
        public static let timeout = Code(rawValue: "timeout")
        /// The answer was larger than allowed.
        public static let tooLarge = Code(rawValue: "too_large")
        /// The operation is not supported by this provider (a task it does not run).
        public static let unsupported = Code(rawValue: "unsupported")
    }

    /// What went wrong.
    public var code: Code
    /// The registry key of the provider, when known.
    public var provider: String?
    /// The HTTP status, when there was one.
    public var status: Int?
    /// A human-readable message (from the provider's error body when it had one).
    public var message: String
    /// How long the provider asked to wait before retrying, in milliseconds.
    public var retryAfterMs: Int?

    /// An error; `message` must not contain secrets (adapters pass bodies through ``Redactor``).
    public init(_ code: Code, provider: String? = nil, status: Int? = nil, message: String, retryAfterMs: Int? = nil) {
        self.code = code
        self.provider = provider
        self.status = status
        self.message = message
        self.retryAfterMs = retryAfterMs
    }

    /// Whether another offer may be tried after this failure (DESIGN.md's failover rule).
    ///
    /// A refused credential (401, 403) and an answer that cannot be parsed belong to one offer:
    /// another provider, with its own credential and servers, may still answer.
    public var isRetryable: Bool {
        switch code {
        case .rateLimited, .notServed, .unavailable, .transport, .timeout, .auth, .malformedResponse: return true
        case .providerError: return status.map { $0 == 408 || $0 >= 500 } ?? true
        default: return false
        }
    }

    /// What went wrong, for a person to read; never holds a credential.
    public var description: String {
        var parts: [String] = []
        if let provider { parts.append(provider) }
        parts.append(code.rawValue)
        if let status { parts.append("HTTP \(status)") }
        var text = parts.joined(separator: ": ") + ": " + message
        if let retryAfterMs { text += " (retry after \(retryAfterMs) ms)" }
        return text
    }

    /// Equal when every field is.
    public static func == (lhs: ProviderError, rhs: ProviderError) -> Bool {
        lhs.code == rhs.code && lhs.provider == rhs.provider && lhs.status == rhs.status
            && lhs.message == rhs.message && lhs.retryAfterMs == rhs.retryAfterMs
    }
}
