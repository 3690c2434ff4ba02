/// How one provider's refresh ended.
public enum RefreshStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// New offers replaced the old ones.
    case ok
    /// The provider failed; its last good offers stay.
    case failed
    /// The new catalog was rejected as implausible; the last good offers stay.
    case kept
}

/// The record of one provider's refresh, as `refresh` reports it.
public struct RefreshRun: Sendable, Hashable {
    /// The provider's registry key.
    public var provider: String
    /// How it ended.
    public var status: RefreshStatus
    /// Models the provider listed.
    public var models: Int
    /// Offers stored (or kept).
    public var offers: Int
    /// How long the refresh took, in milliseconds.
    public var durationMs: Int64
    /// Why it failed or was kept; never contains a credential.
    public var error: String?
    /// When it started, in Unix milliseconds.
    public var startedAt: Int64

    /// A refresh record.
    public init(
        provider: String, status: RefreshStatus, models: Int, offers: Int, durationMs: Int64,
        error: String? = nil, startedAt: Int64
    ) {
        self.provider = provider
        self.status = status
        self.models = models
        self.offers = offers
        self.durationMs = durationMs
        self.error = error
        self.startedAt = startedAt
    }
}
