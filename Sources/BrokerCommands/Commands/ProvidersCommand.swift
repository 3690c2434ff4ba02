import Broker
import ProviderInterface

/// `broker providers`: the registry entries and their state.
enum ProvidersCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["providers"],
        abstract: "List the registry's providers: kind, base URL, region, credential, last refresh.",
        discussion: """
            KEY says whether the entry's credential variable (auth_env, listed in the JSON output) is
            set, never its value; REFRESHED is the last refresh's status and age.
            """,
        options: Options.options
    )

    /// `providers`' options.
    struct Options: OptionGroup {
        static let enabled = Flag("--enabled", "Only enabled providers.")
        static let options = [enabled.spec]
        /// `--enabled`: only enabled entries.
        var enabledOnly: Bool
        init(parsing arguments: ParsedArguments) { enabledOnly = arguments.has(Self.enabled) }
    }

    /// Where an entry's prices come from: `api`, `feed:<format>`, `table` (curated), `none`.
    static func priceSource(_ entry: ProviderEntry) -> String {
        if let feed = entry.options["price_feed"]?.stringValue { return "feed:\(feed)" }
        if entry.pricing.source == .static || entry.pricing.catalogIsTable { return "table" }
        return entry.pricing.source.rawValue
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let refreshes = try await ProviderStatus.lastRefreshes(context)
        var objects: [JSONObject] = []
        var rows: [[String]] = []
        let now = Timestamp.nowMs()
        for entry in registry.entries where entry.enabled || !options.enabledOnly {
            let last = refreshes[entry.key]
            let tags = entry.region.complianceTags.map(\.rawValue)
            objects.append(
                JSONObject([
                    ("provider", .string(entry.key)),
                    ("adapter", .string(entry.adapter)),
                    ("base_url", .string(entry.baseURL)),
                    ("region", .string(entry.region.region.rawValue)),
                    ("countries", .array(entry.region.countries.map(JSONValue.string))),
                    ("compliance", .array(tags.map(JSONValue.string))),
                    ("enabled", .bool(entry.enabled)),
                    ("auth_env", entry.authEnv.map(JSONValue.string) ?? .null),
                    ("credential", .string(context.credentialState(entry))),
                    (
                        "refresh_every",
                        .string(DurationText.format(milliseconds: Int64(entry.refreshIntervalSeconds) * 1000))
                    ),
                    ("last_refresh", last?.json ?? .null),
                ]))
            let age = PriceTableAudit.ageDays(entry, nowMs: now)
            objects[objects.count - 1]["price_source"] = .string(Self.priceSource(entry))
            objects[objects.count - 1]["price_taken"] =
                age == nil ? .null : entry.pricing.taken.map(JSONValue.string) ?? .null
            objects[objects.count - 1]["price_age_days"] = age.map { .integer(Int($0)) } ?? .null
            objects[objects.count - 1]["price_outdated"] = .bool((age ?? 0) > Offer.curatedPriceMaxAgeDays)
            let region =
                entry.region.countries.isEmpty
                ? entry.region.region.rawValue
                : "\(entry.region.region.rawValue) (\(entry.region.countries.joined(separator: ",")))"
            let credential = entry.authEnv == nil ? "-" : context.credentialState(entry)
            rows.append([
                entry.key, entry.adapter,
                URLParts(entry.baseURL)?.host ?? (entry.baseURL.isEmpty ? "(plugin)" : entry.baseURL),
                region, entry.enabled ? "yes" : "no", credential,
                last.map { "\($0.status) \(MarketCommand.age($0.atMs, now: now)) ago" } ?? "never",
                last.map { String($0.offers) } ?? "-",
            ])
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: ["PROVIDER", "KIND", "HOST", "REGION", "ON", "KEY", "REFRESHED", "OFFERS"], rows: rows,
                rightAligned: [7]),
            emptyNote: "no providers in \(registry.path)")
        return ExitCode.success
    }
}

/// `broker providers check`: validates the registry.
enum ProvidersCheckCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["providers", "check"],
        abstract: "Validate the registry; exit 65 listing every problem with its path.",
        printsResults: false
    )

    static func run(_ options: NoOptions, context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        for warning in PriceTableAudit.warnings(registry, nowMs: Timestamp.nowMs()) {
            context.err("warning: \(warning)")
        }
        let enabled = registry.enabled.count
        context.out(
            "\(registry.path): ok (\(registry.entries.count) providers, \(enabled) enabled, \(registry.aliases.count) aliases)\n"
        )
        return ExitCode.success
    }
}
