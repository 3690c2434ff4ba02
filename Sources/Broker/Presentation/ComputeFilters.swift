import ProviderInterface

/// The filters of `broker gpus`, by name, turned into a ``ComputeQuery``: shared by the CLI
/// (from its flags) and `GET /v1/marketplace/gpus` (from the query string).
public struct ComputeFilters: Sendable, Hashable {
    /// `--gpu` / `gpu`.
    public var gpu: String?
    /// `--min-gpus` / `min_gpus`.
    public var minGPUs: String?
    /// `--min-gpu-memory` / `min_gpu_memory` (GiB per GPU).
    public var minGPUMemory: String?
    /// `--region` / `region`: a region, or a two-letter country code.
    public var region: String?
    /// `--compliance` / `compliance`.
    public var compliance: String?
    /// `--max-hourly` / `max_hourly`, in `currency` per instance-hour.
    public var maxHourly: String?
    /// `--currency` / `currency` (USD or EUR; default USD).
    public var currency: String?
    /// `--pricing` / `pricing`: on-demand, spot, bid or any.
    public var pricing: String?
    /// `--provider` / `provider` (repeatable): a provider or a source key.
    public var providers: [String] = []
    /// `--sort` / `sort`: price, price-per-gpu or gpu-memory.
    public var sort: String?
    /// `--limit` / `limit`.
    public var limit: String?
    /// `--include-stale` / `include_stale`.
    public var includeStale = false

    /// No filters.
    public init() {}

    /// Filters from URL query items (names with `_`).
    public init(queryItems: [(name: String, value: String)]) {
        for (name, value) in queryItems {
            switch name {
            case "gpu": gpu = value
            case "min_gpus": minGPUs = value
            case "min_gpu_memory": minGPUMemory = value
            case "region": region = value
            case "compliance": compliance = value
            case "max_hourly": maxHourly = value
            case "currency": currency = value
            case "pricing": pricing = value
            case "provider": providers.append(value)
            case "sort": sort = value
            case "limit": limit = value
            case "include_stale": includeStale = value.isEmpty || value == "1" || value == "true"
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
    /// - Throws: ``MarketFilterError`` naming the filter and what it accepts.
    public func query(registry: Registry, nowMs: Int64) throws(MarketFilterError) -> ComputeQuery {
        var query = ComputeQuery(nowMs: nowMs)
        query.gpu = gpu.flatMap { $0.isEmpty ? nil : $0 }
        query.minGPUs = try Self.whole(minGPUs, "min-gpus")
        query.minGPUMemoryGiB = try Self.whole(minGPUMemory, "min-gpu-memory")
        if let r = region, !r.isEmpty {
            if let parsed = Region(rawValue: r.lowercased()), Self.regions.contains(parsed) {
                query.region = parsed
            } else if r.utf8.count == 2, r.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) {
                query.country = r.uppercased()
            } else {
                throw MarketFilterError(
                    filter: "region",
                    message: "must be one of \(Self.regions.map(\.rawValue).joined(separator: ", ")) or a country code such as DE (got '\(r)')")
            }
        }
        query.compliance = compliance.flatMap { $0.isEmpty ? nil : ComplianceTag($0.lowercased()) }
        if let c = currency, !c.isEmpty {
            guard Self.currencies.contains(c.uppercased()) else {
                throw MarketFilterError(filter: "currency", message: "must be USD or EUR (got '\(c)')")
            }
            query.currency = c.uppercased()
        }
        if let cap = maxHourly, !cap.isEmpty {
            guard let scaled = DecimalText.scaled(cap, by: 12), scaled.value >= 0 else {
                throw MarketFilterError(filter: "max-hourly", message: "must be a price per hour such as 2.5 (got '\(cap)')")
            }
            query.maxHourly = scaled.value
        }
        if let p = pricing, !p.isEmpty, p != "any" {
            guard let parsed = ComputePricingModel(rawValue: p) else {
                throw MarketFilterError(filter: "pricing", message: "must be on-demand, spot, bid or any (got '\(p)')")
            }
            query.pricing = parsed
        }
        query.providers = providers.filter { !$0.isEmpty }
        if let s = sort, !s.isEmpty {
            guard let parsed = ComputeQuery.Sort(rawValue: s) else {
                throw MarketFilterError(filter: "sort", message: "must be price, price-per-gpu or gpu-memory (got '\(s)')")
            }
            query.sort = parsed
        }
        query.limit = try MarketFilters.limit(limit)
        query.includeStale = includeStale
        query.refreshIntervalsMs = registry.refreshIntervalsMs
        return query
    }

    static func whole(_ text: String?, _ name: String) throws(MarketFilterError) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let n = Int(text), n >= 0 else {
            throw MarketFilterError(filter: name, message: "must be a whole number (got '\(text)')")
        }
        return n
    }
}
