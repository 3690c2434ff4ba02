import ProviderInterface

/// The credential an entry names, read once from the adapter's environment, and the one
/// header that carries it — attached only to requests for the entry's own origin.
struct ProviderCredential: Sendable {
    /// The header name (`Authorization`).
    var headerName: String
    /// The text before the secret (`Bearer `).
    var prefix: String
    /// The secret; `nil` when the entry names no variable or the variable is unset or empty.
    var secret: String?
    /// The origin credentials may be sent to.
    var origin: String

    /// Reads `entry.authEnv` from `environment`.
    init(
        entry: ProviderEntry, environment: [String: String], headerName: String = "Authorization",
        prefix: String = "Bearer "
    ) {
        self.headerName = headerName
        self.prefix = prefix
        self.origin = entry.baseURL
        if let name = entry.authEnv, let value = environment[name], !value.isEmpty {
            self.secret = value
        } else {
            self.secret = nil
        }
    }

    /// The auth header for a request to `url`: none when there is no secret or `url` is
    /// on another host than the entry's base URL.
    func headers(for url: String) -> [HTTPHeader] {
        guard let secret, EndpointURL.sameOrigin(url, origin) else { return [] }
        return [HTTPHeader(headerName, prefix + secret)]
    }

    /// The names of headers that carry the secret, lower-cased, for the transport.
    var sensitiveHeaderNames: Set<String> {
        ["authorization", "x-api-key", "api-key", "x-goog-api-key", headerName.lowercased()]
    }

    /// A redactor that removes the secret from text shown to users.
    var redactor: Redactor { Redactor(secrets: secret.map { [$0] } ?? []) }
}
