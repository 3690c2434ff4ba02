/// Where an offer's requests are processed.
public enum Region: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every processing location is in the EU/EEA.
    case eu
    /// The United Kingdom.
    case uk
    /// Switzerland.
    case ch
    /// The United States.
    case us
    /// Asia-Pacific.
    case apac
    /// Several regions, not pinned.
    case global
    /// The user's own machine or network.
    case local
    /// No source says.
    case unknown
}

/// A curated record of where a provider (or one of its serving endpoints) runs.
public struct RegionRecord: Sendable, Hashable {
    /// The region.
    public var region: Region
    /// ISO 3166-1 alpha-2 country codes, upper case, when known.
    public var countries: [String]
    /// Compliance tags declared in the registry (e.g. `zdr`), beyond the derived ones.
    public var declared: [ComplianceTag]
    /// Where the record comes from (a document URL or a note), for users to check.
    public var source: String?

    /// A record; countries and declared tags default to none.
    public init(region: Region, countries: [String] = [], declared: [ComplianceTag] = [], source: String? = nil) {
        self.region = region
        self.countries = countries
        self.declared = declared
        self.source = source
    }

    /// A record that says nothing is known.
    public static let unknown = RegionRecord(region: .unknown)

    /// The compliance tags that follow from the region, the countries and the declared tags,
    /// sorted and without duplicates.
    public var complianceTags: [ComplianceTag] {
        var tags = Set(declared)
        let eeaOnly = !countries.isEmpty && countries.allSatisfy { ComplianceTag.eeaCountries.contains($0) }
        if region == .eu || (region != .unknown && eeaOnly) {
            tags.insert(.gdpr)
            tags.insert(.euResidency)
        }
        if region == .uk { tags.insert(.gdpr) }
        if region == .local {
            tags.insert(.local)
            tags.insert(.noEgress)
        }
        return tags.sorted { $0.rawValue < $1.rawValue }
    }
}

/// A compliance tag such as `gdpr` or `zdr`.
public struct ComplianceTag: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text form, as written in messages and JSON.
    public var rawValue: String
    /// The value of this text.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The value of this text (unlabelled).
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The text printed for this value.
    public var description: String { rawValue }

    /// Processing under the GDPR (EU/EEA and UK).
    public static let gdpr = ComplianceTag("gdpr")
    /// Data stays in the EU/EEA.
    public static let euResidency = ComplianceTag("eu-residency")
    /// Runs on the user's machine or network.
    public static let local = ComplianceTag("local")
    /// No data leaves the user's network.
    public static let noEgress = ComplianceTag("no-egress")
    /// Zero data retention, as declared by the provider.
    public static let zdr = ComplianceTag("zdr")

    /// EU member states plus Iceland, Liechtenstein and Norway.
    public static let eeaCountries: Set<String> = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
        "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
    ]
}
