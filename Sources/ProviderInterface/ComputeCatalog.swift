/// What a refresh asks a compute source for.
public struct ComputeCatalogRequest: Sendable, Hashable {
    /// The source's version of the catalog stored now (gpuhunt's `version`), if any: a
    /// source that can tell its catalog has not changed answers ``ComputeCatalog/unchanged``.
    public var knownVersion: String?

    /// A request.
    public init(knownVersion: String? = nil) { self.knownVersion = knownVersion }
}

/// What a compute source answered: its offers, or that the stored catalog is still current.
public struct ComputeCatalog: Sendable, Hashable {
    /// Every usable offer (empty when ``unchanged``).
    public var offers: [ComputeOffer]
    /// The catalog's version, when the source publishes one.
    public var version: String?
    /// The source's catalog is the ``ComputeCatalogRequest/knownVersion``: nothing was downloaded.
    public var unchanged: Bool
    /// When the source published the catalog (Unix milliseconds), when it says.
    public var publishedAtMs: Int64?
    /// How old a published catalog may be before it is refused as outdated (milliseconds).
    public var maxAgeMs: Int64?
    /// Rows passed over, counted by reason (`"malformed row"`, `"no GPU"`).
    public var skipped: [String: Int]
    /// Requests it took.
    public var requests: Int

    /// A catalog.
    public init(
        offers: [ComputeOffer], version: String? = nil, unchanged: Bool = false, publishedAtMs: Int64? = nil,
        maxAgeMs: Int64? = nil, skipped: [String: Int] = [:], requests: Int = 1
    ) {
        self.offers = offers
        self.version = version
        self.unchanged = unchanged
        self.publishedAtMs = publishedAtMs
        self.maxAgeMs = maxAgeMs
        self.skipped = skipped
        self.requests = requests
    }
}
