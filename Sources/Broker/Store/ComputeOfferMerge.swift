import ProviderInterface

/// Merges the per-currency parts of a compute query (``ComputeQuerySQL``), each already in
/// its currency's order, into one list by the exact converted price: what every store
/// backend answers for ``MarketStore/queryComputeOffers(_:)``.
enum ComputeOfferMerge {
    /// `parts` (rows of each part in order, parts in ``ComputeQuerySQL/parts`` order) merged:
    /// by GPU memory first for that sort, then by converted price (unconvertible last), ties
    /// by part then position; cut at the query's limit.
    static func merge(_ parts: [[ComputeMarketOffer]], query: ComputeQuery, converter: CurrencyConverter?)
        -> [ComputeMarketOffer]
    {
        var merged: [(key: Int64?, memory: Int?, currency: Int, position: Int, offer: ComputeMarketOffer)] = []
        for (rank, rows) in parts.enumerated() {
            for (position, row) in rows.enumerated() {
                let native = query.sort == .pricePerGPU ? row.pricePerGPUHour : row.offer.pricePerHour
                let key = native.flatMap {
                    converter?.convert($0, from: row.offer.currency, to: query.currency)
                        ?? (row.offer.currency == query.currency ? $0 : nil)
                }
                merged.append((key, row.offer.gpuMemoryGiB, rank, position, row))
            }
        }
        merged.sort { a, b in
            if query.sort == .gpuMemory, a.memory != b.memory {
                guard let x = a.memory else { return false }
                guard let y = b.memory else { return true }
                return x > y
            }
            switch (a.key, b.key) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return (a.currency, a.position) < (b.currency, b.position)
            }
        }
        let all = merged.map(\.offer)
        return query.limit.map { Array(all.prefix(max(0, $0))) } ?? all
    }
}
