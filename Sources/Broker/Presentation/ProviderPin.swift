/// `KEY[:SERVED_BY]`: the provider (and serving endpoint) a request is pinned to, as `run`,
/// `batch`, `quote` and `POST /v1/marketplace/quote` take it.
public struct ProviderPin: Sendable, Hashable, CustomStringConvertible {
    /// The registry key.
    public var key: String
    /// The serving endpoint behind it, when named.
    public var servedBy: String?

    /// The pin to `key` (and, when given, its endpoint `servedBy`).
    public init(key: String, servedBy: String? = nil) {
        self.key = key
        self.servedBy = servedBy
    }

    /// Parses `KEY` or `KEY:SERVED_BY`; `nil` when the key is empty.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let key = parts.first, !key.isEmpty else { return nil }
        self.key = key
        servedBy = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
    }

    /// `KEY` or `KEY:SERVED_BY`, as given.
    public var description: String { servedBy.map { "\(key):\($0)" } ?? key }
}
