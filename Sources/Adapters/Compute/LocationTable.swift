import ProviderInterface

/// Step one of placing a compute offer: a source's location text → ISO country, from the
/// registry entry's `options.locations` (`{"eu-west-1": "IE", "fr-par": "FR"}`); step two is
/// ``CountryJurisdiction``. A location not in the table is `unknown`, never guessed.
///
/// A location matches its own key, else the key left when `-suffix` parts are dropped from
/// its end (`fr-par-2` → `fr-par` → `fr`). With `options.country_locations: true`, a location
/// that is itself a two-letter upper-case code (RunPod's community cloud: `CZ`) is that country.
struct LocationTable: Sendable {
    var countries: [String: String]
    var locationsAreCountries: Bool
    /// Where the table comes from (the entry's `options.locations_source`).
    var source: String?

    /// The table of an entry.
    init(entry: ProviderEntry) {
        var countries: [String: String] = [:]
        for (name, value) in entry.options["locations"]?.objectValue ?? JSONObject() {
            if let country = value.stringValue { countries[name] = country }
        }
        self.countries = countries
        locationsAreCountries = entry.options["country_locations"]?.boolValue ?? false
        source = entry.options["locations_source"]?.stringValue
    }

    /// The country of `location`, when the table knows it.
    func country(_ location: String) -> String? {
        var key = Substring(location)
        while true {
            if let country = countries[String(key)] { return country }
            guard let dash = key.lastIndex(of: "-") else { break }
            key = key[..<dash]
        }
        if locationsAreCountries, location.utf8.count == 2, location.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) {
            return location
        }
        return nil
    }

    /// The region record of `location`.
    func record(_ location: String) -> RegionRecord {
        CountryJurisdiction.record(country: country(location), source: source)
    }

    /// Problems with the entry's location options.
    static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        var issues: [AdapterIssue] = []
        if let value = entry.options["locations"] {
            if let object = value.objectValue {
                for (name, country) in object {
                    let code = country.stringValue ?? ""
                    if code.utf8.count != 2 || !code.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) {
                        issues.append(
                            AdapterIssue(
                                path: "options.locations.\(name)",
                                message: "must be a two-letter upper-case country code such as \"IE\""))
                    }
                }
            } else {
                issues.append(
                    AdapterIssue(path: "options.locations", message: "must be an object of location → country code"))
            }
        }
        if let value = entry.options["country_locations"], value.boolValue == nil {
            issues.append(AdapterIssue(path: "options.country_locations", message: "must be true or false"))
        }
        return issues
    }

    /// Issues for every option not in `known` (plus the location options, when the kind reads a
    /// location table).
    static func unknownOptions(_ entry: ProviderEntry, kind: String, known: [String], locations: Bool = true)
        -> [AdapterIssue]
    {
        let all = known + (locations ? ["locations", "country_locations", "locations_source"] : []) + ["comment"]
        return AdapterIssue.unknownOptions(entry, kind: kind, known: all)
    }
}
