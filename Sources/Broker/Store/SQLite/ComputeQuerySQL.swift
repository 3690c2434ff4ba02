import ProviderInterface

/// Turns a ``ComputeQuery`` into one SELECT per currency over `compute_offers`.
///
/// Each currency's query carries the filters, the price cap in that currency (the largest
/// price whose conversion stays within the cap; a currency without a rate to the query's
/// currency is left out when there is a cap) and, for the price orders, its own order and
/// limit on the `(currency, price_sort)` index. The store merges the parts by converted price.
struct ComputeQuerySQL {
    /// One currency's SELECT.
    struct Part {
        var currency: String
        var sql: String
        var arguments: [SQLiteValue]
    }

    /// The SELECTs, in the order their rows rank on ties.
    var parts: [Part]

    /// The SELECTs for `query`; `sources` holds each source's last refresh and currencies.
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
        if !query.includeStale {
            let stale = sources.filter { ($0.refreshedAt ?? 0) < query.staleBeforeMs(for: $0.key) }.map(\.key).sorted()
            if !stale.isEmpty {
                conditions.append(
                    "source NOT IN (\(Array(repeating: "?", count: stale.count).joined(separator: ", ")))")
                arguments += stale.map { .text($0) }
            }
        }

        let currencies = Set(sources.flatMap(\.currencies)).sorted()
        // The query's own currency first: its rows rank first among unknown conversions.
        let ordered = currencies.filter { $0 == query.currency } + currencies.filter { $0 != query.currency }
        var parts: [Part] = []
        for currency in ordered {
            var where_ = conditions + ["currency = ?"]
            var args = arguments + [.text(currency)]
            if let cap = query.maxHourly {
                guard let limit = Self.cap(cap, in: currency, target: query.currency, converter: converter) else {
                    continue
                }
                where_.append("price_pico <= ?")
                args.append(.integer(limit))
            }
            var sql =
                "SELECT \(ComputeColumns.selectList) FROM compute_offers WHERE " + where_.joined(separator: " AND ")
            switch query.sort {
            case .price: sql += " ORDER BY price_sort, id"
            case .pricePerGPU: sql += " ORDER BY per_gpu_sort, id"
            case .gpuMemory: sql += " ORDER BY id"
            }
            if let limit = query.limit, query.sort != .gpuMemory {
                sql += " LIMIT ?"
                args.append(.integer(Int64(max(0, limit))))
            }
            parts.append(Part(currency: currency, sql: sql, arguments: args))
        }
        self.parts = parts
    }

    /// The largest price in `currency` whose conversion to `target` is at most `cap`; `nil`
    /// when there is no rate between them.
    static func cap(_ cap: Int64, in currency: String, target: String, converter: CurrencyConverter?) -> Int64? {
        if currency == target { return cap }
        guard let converter, var limit = converter.convert(cap, from: target, to: currency) else { return nil }
        // The conversion rounds: step to the exact boundary.
        while limit > 0, let back = converter.convert(limit, from: currency, to: target), back > cap { limit -= 1 }
        while limit < Int64.max, let back = converter.convert(limit + 1, from: currency, to: target), back <= cap {
            limit += 1
        }
        return limit
    }
}
