import ProviderInterface

/// Turns a ``ComputeQuery`` into one SELECT over `compute_offers` and its arguments.
///
/// Prices of other currencies are compared through the stored rate: a cap becomes the
/// largest price in each currency whose conversion stays within it, and the order is an
/// integer sort key (`price / 10^6 × factor`, see ``CurrencyConverter/sortFactor(from:to:)``).
struct ComputeQuerySQL {
    var sql: String
    var arguments: [SQLiteValue]

    /// The SELECT for `query`; `sources` holds each source's last refresh and currencies.
    init(_ query: ComputeQuery, sources: [ComputeSourceState], converter: CurrencyConverter?) {
        var conditions: [String] = []
        var arguments: [SQLiteValue] = []

        if let gpu = query.gpu, !gpu.isEmpty {
            // Canonical names are [A-Z0-9-]: [X, "X.") holds X and its "X-…" variants only.
            let wanted = GPUModelName.canonicalQuery(gpu)
            conditions.append("gpu_model >= ? AND gpu_model < ?")
            arguments += [.text(wanted), .text(wanted + ".")]
        }
        if let n = query.minGPUs {
            conditions.append("gpu_count >= ?")
            arguments.append(.integer(Int64(n)))
        }
        if let gib = query.minGPUMemoryGiB {
            conditions.append("gpu_memory_gib >= ?")
            arguments.append(.integer(Int64(gib)))
        }
        if let region = query.region {
            conditions.append("region = ?")
            arguments.append(.text(region.rawValue))
        }
        if let country = query.country {
            conditions.append("instr(countries, ?) > 0")
            arguments.append(.text(",\(country),"))
        }
        if let tag = query.compliance {
            conditions.append("instr(compliance, ?) > 0")
            arguments.append(.text(",\(tag.rawValue),"))
        }
        if let pricing = query.pricing {
            conditions.append("pricing_model = ?")
            arguments.append(.text(pricing.rawValue))
        }
        if !query.providers.isEmpty {
            let marks = Array(repeating: "?", count: query.providers.count).joined(separator: ", ")
            conditions.append("(provider IN (\(marks)) OR source IN (\(marks)))")
            arguments += query.providers.map { .text($0) } + query.providers.map { .text($0) }
        }
        let currencies = Set(sources.flatMap(\.currencies)).union([query.currency]).sorted()
        if let cap = query.maxHourly {
            var parts: [String] = []
            for currency in currencies {
                guard let limit = Self.cap(cap, in: currency, target: query.currency, converter: converter) else { continue }
                parts.append("(currency = ? AND price_pico <= ?)")
                arguments += [.text(currency), .integer(limit)]
            }
            conditions.append(parts.isEmpty ? "0" : "price_pico IS NOT NULL AND (" + parts.joined(separator: " OR ") + ")")
        }
        if !query.includeStale {
            let stale = sources.filter { ($0.refreshedAt ?? 0) < query.staleBeforeMs(for: $0.key) }.map(\.key).sorted()
            if !stale.isEmpty {
                conditions.append("source NOT IN (\(Array(repeating: "?", count: stale.count).joined(separator: ", ")))")
                arguments += stale.map { .text($0) }
            }
        }

        var sql = "SELECT \(ComputeColumns.selectList) FROM compute_offers"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        let priceColumn = query.sort == .pricePerGPU ? "price_per_gpu_pico" : "price_pico"
        var cases: [String] = []
        var sortArguments: [SQLiteValue] = []
        for currency in currencies {
            if currency == query.currency {
                cases.append("WHEN ? THEN \(priceColumn)")
                sortArguments.append(.text(currency))
            } else if let factor = converter?.sortFactor(from: currency, to: query.currency) {
                cases.append("WHEN ? THEN \(priceColumn) / 1000000 * ?")
                sortArguments += [.text(currency), .integer(factor)]
            }
        }
        let key = cases.isEmpty ? "NULL" : "(CASE currency \(cases.joined(separator: " ")) ELSE NULL END)"
        switch query.sort {
        case .price, .pricePerGPU:
            sql += " ORDER BY \(key) IS NULL, \(key), id"
        case .gpuMemory:
            sql += " ORDER BY gpu_memory_gib IS NULL, gpu_memory_gib DESC, \(key) IS NULL, \(key), id"
        }
        arguments += sortArguments + sortArguments
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments.append(.integer(Int64(max(0, limit))))
        }
        self.sql = sql
        self.arguments = arguments
    }

    /// The largest price in `currency` whose conversion to `target` is at most `cap`; `nil`
    /// when there is no rate between them.
    static func cap(_ cap: Int64, in currency: String, target: String, converter: CurrencyConverter?) -> Int64? {
        if currency == target { return cap }
        guard let converter, var limit = converter.convert(cap, from: target, to: currency) else { return nil }
        // The conversion rounds: step to the exact boundary.
        while limit > 0, let back = converter.convert(limit, from: currency, to: target), back > cap { limit -= 1 }
        while let back = converter.convert(limit + 1, from: currency, to: target), back <= cap { limit += 1 }
        return limit
    }
}

/// One compute source's stored state: when it was last refreshed, its catalog version and
/// the currencies its offers are priced in.
struct ComputeSourceState: Sendable, Hashable {
    var key: String
    var refreshedAt: Int64?
    var version: String?
    var currencies: [String]
}
