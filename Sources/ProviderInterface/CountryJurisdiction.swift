/// Step two of placing a location: its ISO 3166-1 country decides the broker's region.
///
/// EU-27 plus Iceland, Liechtenstein and Norway are `eu` (EU/EEA); GB `uk`; CH `ch`; US `us`;
/// the Asia-Pacific countries below `apac`; anything else `unknown` (never guessed). Step one,
/// a source's location → country, is data in each registry entry.
public enum CountryJurisdiction {
    /// Asia-Pacific countries the broker places in `apac`.
    public static let apacCountries: Set<String> = [
        "AU", "CN", "HK", "ID", "IN", "JP", "KR", "MY", "NZ", "PH", "SG", "TH", "TW", "VN",
    ]

    /// The region of a country code (upper case, two letters).
    public static func region(of country: String) -> Region {
        if ComplianceTag.eeaCountries.contains(country) { return .eu }
        switch country {
        case "GB": return .uk
        case "CH": return .ch
        case "US": return .us
        default: return apacCountries.contains(country) ? .apac : .unknown
        }
    }

    /// The region record of a location in `country`; unknown when `country` is nil or not a
    /// two-letter upper-case code.
    public static func record(country: String?, source: String? = nil) -> RegionRecord {
        guard let country, country.utf8.count == 2, country.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            return .unknown
        }
        let region = region(of: country)
        return RegionRecord(region: region, countries: [country], source: source)
    }
}
