import ProviderInterface

/// Turns a ``MarketQuery`` into one SELECT over `offers` and its arguments.
///
/// The SQL text depends only on which filters are set (and how many providers and
/// intervals), never on their values, so prepared statements are reused across queries.
struct MarketQuerySQL {
    var sql: String
    var arguments: [SQLiteValue]

    /// The SELECT for `query`; `refreshedAt` holds each provider's last refresh (a
    /// provider's offers are stale together, when that refresh is too old). `foreign` are
    /// the currencies other than USD that stored offers use, converted with `rates` where
    /// the query compares prices in USD.
    init(_ query: MarketQuery, refreshedAt: [String: Int64], foreign: [String] = [], rates: ExchangeRates? = nil) {
        var conditions: [String] = []
        var arguments: [SQLiteValue] = []

        if !query.providers.isEmpty {
            conditions.append(
                "provider IN (\(Array(repeating: "?", count: query.providers.count).joined(separator: ", ")))")
            arguments += query.providers.map { .text($0) }
        }
        if let servedBy = query.servedBy {
            conditions.append("served_by = ?")
            arguments.append(.text(servedBy))
        }
        if let task = query.task {
            conditions.append("task = ?")
            arguments.append(.text(task.rawValue))
        }
        if let region = query.region {
            conditions.append("region = ?")
            arguments.append(.text(region.rawValue))
        }
        if let tag = query.compliance {
            // Tags are stored as ",a,b,": wrapping in commas matches whole tags only.
            conditions.append("instr(compliance, ?) > 0")
            arguments.append(.text(OfferColumns.encodeTags([tag])))
        }
        if let text = query.modelText, !text.isEmpty {
            // SQLite's lower() folds ASCII only; fold the needle the same way.
            conditions.append("(instr(lower(model), ?) > 0 OR instr(lower(coalesce(hf_id, '')), ?) > 0)")
            let needle = Self.asciiLowercased(text)
            arguments += [.text(needle), .text(needle)]
        }
        if let id = query.modelID {
            conditions.append("(model = ? OR hf_id = ?)")
            arguments += [.text(id), .text(id)]
        }
        if let currency = query.currency {
            conditions.append("currency = ?")
            arguments.append(.text(currency))
        }
        let converted = query.currency == nil && !foreign.isEmpty
        for (column, cap) in [("input_pico", query.maxInputPrice), ("output_pico", query.maxOutputPrice)] {
            guard let cap else { continue }
            guard converted else {
                conditions.append("\(column) IS NOT NULL AND \(column) <= ?")
                arguments.append(.integer(cap.value))
                continue
            }
            // A USD cap is, for each other currency with a rate, the largest native amount
            // that converts to at most the cap; a currency without a rate cannot be shown
            // to be under it.
            var alternatives = ["(currency = 'USD' AND \(column) <= ?)"]
            arguments.append(.integer(cap.value))
            for currency in foreign {
                guard let threshold = Self.nativeCap(cap.value, currency: currency, rates: rates) else { continue }
                alternatives.append("(currency = ? AND \(column) <= ?)")
                arguments += [.text(currency), .integer(threshold)]
            }
            conditions.append("\(column) IS NOT NULL AND (\(alternatives.joined(separator: " OR ")))")
        }
        for capability in query.supports.sorted() {
            switch capability {
            case .tools: conditions.append("supports_tools = 1")
            case .jsonSchema: conditions.append("supports_structured_output = 1")
            case .vision: conditions.append("supports_vision = 1")
            }
        }
        if !query.includeStale {
            let stale = refreshedAt.filter { $0.value < query.staleBeforeMs(for: $0.key) }.keys.sorted()
            if !stale.isEmpty {
                conditions.append(
                    "provider NOT IN (\(Array(repeating: "?", count: stale.count).joined(separator: ", ")))")
                arguments += stale.map { .text($0) }
            }
        }

        var sql = "SELECT \(OfferColumns.selectList) FROM offers"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        switch query.sort {
        case .price where converted:
            // Mixed currencies: each currency's blended price times its rate to USD (an
            // integer order key, pico-USD per four tokens); priced offers without a rate
            // after every comparable one, unknown prices last.
            var cases = "WHEN currency = 'USD' THEN blended_sort"
            for currency in foreign {
                if let factor = rates.flatMap({ CurrencyConverter(rates: $0).sortFactor(from: currency, to: "USD") }) {
                    cases += " WHEN currency = ? THEN blended_sort * ? / 1000000"
                    arguments += [.text(currency), .integer(factor)]
                }
            }
            sql += " ORDER BY CASE WHEN blended_sort = \(OfferColumns.unknownBlended) THEN blended_sort \(cases)"
            sql += " ELSE \(OfferColumns.unknownBlended - 1) END, id"
        case .price:
            // Matches the (task, region, blended_sort) index, whose rows end in id.
            sql += " ORDER BY blended_sort, id"
        case .context:
            sql += " ORDER BY context_length DESC NULLS LAST, id"
        case .model:
            sql += " ORDER BY model, provider, served_by, task, id"
        }
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments.append(.integer(Int64(max(0, limit))))
        }
        self.sql = sql
        self.arguments = arguments
    }

    /// The largest amount in pico-`currency` that converts (half up) to at most `cap`
    /// pico-USD with `rates`; `nil` without a rate.
    static func nativeCap(_ cap: Int64, currency: String, rates: ExchangeRates?) -> Int64? {
        guard let rates else { return nil }
        let converter = CurrencyConverter(rates: rates)
        guard var n = converter.convert(cap, from: "USD", to: currency),
            converter.convert(n, from: currency, to: "USD") != nil
        else { return nil }
        while n > 0, let usd = converter.convert(n, from: currency, to: "USD"), usd > cap { n -= 1 }
        while n < Int64.max, let usd = converter.convert(n + 1, from: currency, to: "USD"), usd <= cap { n += 1 }
        return n
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
