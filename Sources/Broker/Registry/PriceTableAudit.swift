import ProviderInterface

/// What `broker providers check` warns about in the registry's curated price tables (the
/// registry stays valid): a table taken more than ``Offer/curatedPriceMaxAgeDays`` ago, a
/// row without a date or source, and a model already past its `retires_at`.
public enum PriceTableAudit {
    /// Days since `entry`'s curated table was taken, on the UTC day of `nowMs`; `nil` when
    /// its prices do not come from a curated table (or the date is not a day).
    public static func ageDays(_ entry: ProviderEntry, nowMs: Int64) -> Int64? {
        guard entry.pricing.source == .static || entry.pricing.catalogIsTable, let taken = entry.pricing.taken else {
            return nil
        }
        return Timestamp.daysSince(day: taken, nowMs: nowMs)
    }

    /// One line per problem, naming the entry (and row) it concerns.
    public static func warnings(_ registry: Registry, nowMs: Int64) -> [String] {
        var lines: [String] = []
        let today = Timestamp.day(ms: nowMs)
        for entry in registry.entries where entry.enabled {
            if let age = ageDays(entry, nowMs: nowMs), age > Offer.curatedPriceMaxAgeDays {
                lines.append(
                    "\(entry.key): curated price table taken \(entry.pricing.taken ?? "?") is \(age) days old "
                        + "(more than \(Offer.curatedPriceMaxAgeDays)); check \(entry.pricing.sourceURL ?? "the provider's price page")"
                )
            }
            if !entry.pricing.table.isEmpty, entry.pricing.sourceURL == nil {
                lines.append("\(entry.key): curated price table has no source_url")
            }
            for (i, row) in entry.pricing.table.enumerated() {
                if let retires = row.retiresAt, retires <= today {
                    lines.append(
                        "\(entry.key): pricing.models[\(i)] '\(row.model)' was retired on \(retires); remove it")
                }
            }
        }
        return lines
    }
}
