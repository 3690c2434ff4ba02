import ProviderInterface

/// The order a replace inserts offers in: the order of the market query's index
/// `(task, region, blended_sort)`.
///
/// Inserting a catalog in index order makes every index insert land next to the
/// previous one, on pages already in the CPU cache, instead of at a random spot of the
/// tree; measured here, that halves the cost of storing 100,000 offers. The order is
/// invisible to users: queries sort explicitly.
enum OfferInsertOrder {
    /// `indices` of `offers`, reordered by task, region and blended price (ties keep
    /// catalog order).
    static func sorted(_ indices: [Int], of offers: UnsafeBufferPointer<Offer>) -> [Int] {
        // Ranks follow SQLite's byte order of the stored text, so the sort is cheap
        // integer work rather than a string comparison per step.
        let taskRanks = ranks(Set(indices.map { offers[$0].task.rawValue }))
        let regionRanks = ranks(Set(indices.map { offers[$0].region.rawValue }))
        var keys: [(task: Int, region: Int, price: Int64, index: Int)] = []
        keys.reserveCapacity(indices.count)
        for index in indices {
            keys.append(
                (
                    taskRanks[offers[index].task.rawValue] ?? 0, regionRanks[offers[index].region.rawValue] ?? 0,
                    OfferColumns.blendedSortKey(offers[index].price), index
                ))
        }
        keys.sort { ($0.task, $0.region, $0.price, $0.index) < ($1.task, $1.region, $1.price, $1.index) }
        return keys.map(\.index)
    }

    private static func ranks(_ values: Set<String>) -> [String: Int] {
        let ordered = values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, $0) })
    }
}
