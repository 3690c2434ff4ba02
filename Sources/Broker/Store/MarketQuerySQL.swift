/// Turns a ``MarketQuery`` into one SELECT over `offers` and its arguments.
///
/// The SQL text depends only on which filters are set (and how many providers and
/// intervals), never on their values, so prepared statements are reused across queries.
struct MarketQuerySQL {
    var sql: String
    var arguments: [SQLiteValue]

    /// The SELECT for `query`; `refreshedAt` holds each provider's last refresh (a
    /// provider's offers are stale together, when that refresh is too old).
    init(_ query: MarketQuery, refreshedAt: [String: Int64]) {
        var conditions: [String] = []
        var arguments: [SQLiteValue] = []

        if !query.providers.isEmpty {
            conditions.append("provider IN (\(Array(repeating: "?", count: query.providers.count).joined(separator: ", ")))")
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
        if let cap = query.maxInputPrice {
            conditions.append("input_pico IS NOT NULL AND input_pico <= ?")
            arguments.append(.integer(cap.value))
        }
        if let cap = query.maxOutputPrice {
            conditions.append("output_pico IS NOT NULL AND output_pico <= ?")
            arguments.append(.integer(cap.value))
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
                conditions.append("provider NOT IN (\(Array(repeating: "?", count: stale.count).joined(separator: ", ")))")
                arguments += stale.map { .text($0) }
            }
        }

        var sql = "SELECT \(OfferColumns.selectList) FROM offers"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        switch query.sort {
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

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
