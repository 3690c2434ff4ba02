import ProviderInterface

/// The filters of `broker gpus`, typed, turned into a ``ComputeQuery``: shared by the CLI (from
/// its typed options) and `GET /v1/marketplace/gpus` (from the query string). The static
/// parsers are the one definition of each filter's check.
public struct ComputeFilters: Sendable, Hashable {
    /// `--gpu` / `gpu`.
    public var gpu: String?
    /// `--min-gpus` / `min_gpus`.
    public var minGPUs: Int?
    /// `--min-gpu-memory` / `min_gpu_memory` (GiB per GPU).
    public var minGPUMemory: Int?
    /// `--region` / `region`: a region, or a two-letter country code.
    public var region: Place?
    /// `--compliance` / `compliance`.
    public var compliance: ComplianceTag?
    /// `--max-hourly` / `max_hourly`, pico-units of `currency` per instance-hour.
    public var maxHourly: Int64?
    /// `--currency` / `currency` (USD or EUR; default USD).
    public var currency: String?
    /// `--pricing` / `pricing`: a pricing model; `nil` for any.
    public var pricing: ComputePricingModel?
    /// `--provider` / `provider` (repeatable): a provider or a source key.
    public var providers: [String] = []
    /// `--sort` / `sort`.
    public var sort: ComputeQuery.Sort?
    /// `--limit` / `limit`.
    public var limit: Int?
    /// `--include-stale` / `include_stale`.
    public var includeStale = false

    /// Where a `region` filter places an offer: a region of the vocabulary, or a country.
    public enum Place: Sendable, Hashable {
        case region(Region)
        /// An ISO 3166 code, upper case (`DE`).
        case country(String)
    }

    /// No filters.
    public init() {}

    /// Filters from URL query items (names with `_`; an empty value is no filter).
    /// - Throws: ``MarketFilterError`` naming the filter and what it accepts.
    public init(queryItems: [(name: String, value: String)]) throws(MarketFilterError) {
        for (name, value) in MarketFilters.filterItems(queryItems, includeStale: &includeStale) {
            switch name {
            case "gpu": gpu = value
            case "min_gpus": minGPUs = try Self.whole(value, "min-gpus")
            case "min_gpu_memory": minGPUMemory = try Self.whole(value, "min-gpu-memory")
            case "region": region = try Self.place(value)
            case "compliance": compliance = MarketFilters.compliance(value)
            case "max_hourly": maxHourly = try Self.hourly(value)
            case "currency": currency = try Self.currency(value)
            case "pricing": pricing = try Self.pricing(value)
            case "provider": providers.append(value)
            case "sort": sort = try Self.sort(value)
            case "limit": limit = try MarketFilters.limit(value)
            default: break
            }
        }
    }

    /// The regions `--region` accepts: jurisdictions an offer can be positively placed in
    /// (`unknown` never matches a region filter; `global` and `local` place no machine).
    public static let regions: [Region] = [.eu, .uk, .ch, .us, .apac]

    /// The currencies `--currency` accepts.
    public static let currencies = ["USD", "EUR"]

    /// The query at `nowMs` over `registry`'s refresh intervals.
    public func query(registry: Registry, nowMs: Int64) -> ComputeQuery {
        var query = ComputeQuery(nowMs: nowMs)
        query.gpu = gpu.flatMap { $0.isEmpty ? nil : $0 }
        query.minGPUs = minGPUs
        query.minGPUMemoryGiB = minGPUMemory
        switch region {
        case .region(let r): query.region = r
        case .country(let code): query.country = code
        case nil: break
        }
        query.compliance = compliance
        if let currency { query.currency = currency }
        query.maxHourly = maxHourly
        query.pricing = pricing
        query.providers = providers.filter { !$0.isEmpty }
        if let sort { query.sort = sort }
        query.limit = limit
        query.includeStale = includeStale
        query.refreshIntervalsMs = registry.refreshIntervalsMs
        return query
    }

    // MARK: - The checks, one definition for the CLI and the HTTP API

    /// A whole number, not negative; `name` is the filter's (`min-gpus`).
    public static func whole(_ text: String, _ name: String) throws(MarketFilterError) -> Int {
        guard let n = Int(text), n >= 0 else {
            throw MarketFilterError(filter: name, message: "must be a whole number (got '\(text)')")
        }
        return n
    }

    /// One of ``regions``, or a two-letter country code.
    public static func place(_ text: String) throws(MarketFilterError) -> Place {
        if let parsed = Region(rawValue: text.lowercased()), regions.contains(parsed) { return .region(parsed) }
        if text.utf8.count == 2, text.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) {
            return .country(text.uppercased())
        }
        throw MarketFilterError(
            filter: "region",
            message:
                "must be one of \(regions.map(\.rawValue).joined(separator: ", ")) or a country code such as DE (got '\(text)')"
        )
    }

    /// One of ``currencies`` (any case), upper-cased.
    public static func currency(_ text: String) throws(MarketFilterError) -> String {
        guard currencies.contains(text.uppercased()) else {
            throw MarketFilterError(filter: "currency", message: "must be USD or EUR (got '\(text)')")
        }
        return text.uppercased()
    }

    /// A price per instance-hour, exact, in pico-units.
    public static func hourly(_ text: String) throws(MarketFilterError) -> Int64 {
        guard let scaled = DecimalText.scaled(text, by: 12), scaled.value >= 0 else {
            throw MarketFilterError(
                filter: "max-hourly", message: "must be a price per hour such as 2.5 (got '\(text)')")
        }
        return scaled.value
    }

    /// A pricing model; `any` is `nil`.
    public static func pricing(_ text: String) throws(MarketFilterError) -> ComputePricingModel? {
        if text == "any" { return nil }
        guard let parsed = ComputePricingModel(rawValue: text) else {
            throw MarketFilterError(filter: "pricing", message: "must be on-demand, spot, bid or any (got '\(text)')")
        }
        return parsed
    }

    /// The order: price, price-per-gpu or gpu-memory.
    public static func sort(_ text: String) throws(MarketFilterError) -> ComputeQuery.Sort {
        guard let parsed = ComputeQuery.Sort(rawValue: text) else {
            throw MarketFilterError(
                filter: "sort", message: "must be price, price-per-gpu or gpu-memory (got '\(text)')")
        }
        return parsed
    }
}
