import ProviderInterface

/// How a ``ComputeMarketOffer`` maps to the `compute_offers` table: one column list shared
/// by the insert and the select.
enum ComputeColumns {
    /// The stored columns, in bind and read order.
    static let names = [
        "source", "provider", "offer_kind", "offer_id", "instance_type", "gpu_model", "gpu_model_raw", "gpu_count",
        "gpu_memory_gib", "vcpus", "ram_mib", "location", "region", "countries", "compliance", "pricing_model",
        "currency", "price_pico", "price_per_gpu_pico", "availability",
    ]

    /// The columns written: the read ones, the row's digest and its two sort keys.
    static let writtenNames = names + ["row_hash", "price_sort", "per_gpu_sort"]

    /// The column list for a SELECT.
    static let selectList = names.joined(separator: ", ")

    /// Inserts `rows` offers.
    static func insertSQL(rows: Int) -> String {
        SQLiteConnection.insertSQL(table: "compute_offers", columns: writtenNames, rows: rows)
    }

    /// Rewrites the stored offer whose id is the last parameter, with the insert's numbering.
    static let updateSQL =
        "UPDATE compute_offers SET " + writtenNames.enumerated().map { "\($1) = ?\($0 + 1)" }.joined(separator: ", ")
        + " WHERE id = ?\(writtenNames.count + 1)"

    /// Rewrites only the price columns and the digest of the stored offer whose id is the last
    /// parameter: most refreshes move prices and nothing else.
    static let priceUpdateSQL =
        "UPDATE compute_offers SET price_pico = ?1, price_per_gpu_pico = ?2, row_hash = ?3, price_sort = ?4, per_gpu_sort = ?5 WHERE id = ?6"

    /// The new values of one ``priceUpdateSQL`` row (its parameters before the id).
    static let priceUpdateColumns = 5

    /// The columns of a `compute_price_history` row, in bind order.
    static let historyNames = ["source", "offer_id", "at", "currency", "old_price_pico", "new_price_pico"]

    /// The full-batch history INSERT, built once.
    private static let historyInsertBatch = SQLiteConnection.insertSQL(
        table: "compute_price_history", columns: historyNames, rows: SQLiteConnection.insertBatchRows)

    /// Inserts `rows` price-history rows.
    static func historyInsertSQL(rows: Int) -> String {
        rows == SQLiteConnection.insertBatchRows
            ? historyInsertBatch
            : SQLiteConnection.insertSQL(table: "compute_price_history", columns: historyNames, rows: rows)
    }

    /// `",eu-residency,gdpr,"`: the offer's compliance tags as stored (computed once per offer:
    /// deriving them builds a set).
    static func tagText(_ offer: ComputeOffer) -> String {
        "," + offer.region.complianceTags.map(\.rawValue).joined(separator: ",")
            + (offer.region.complianceTags.isEmpty ? "" : ",")
    }

    /// A digest of every stored field of `offer` (stable across processes); `tags` is
    /// ``tagText(_:)``. Read in place: no copy of the offer, no arrays built.
    static func digest(_ offer: UnsafePointer<ComputeOffer>, tags: String) -> Int64 {
        digest(offer, tags: tags, price: offer.pointee.pricePerHour)
    }

    /// The digest ``digest(_:tags:)`` would give `offer` were its price per hour `price`: equal
    /// to a stored row's digest when the price is all that changed.
    static func digest(_ offer: UnsafePointer<ComputeOffer>, tags: String, price: Int64?) -> Int64 {
        var f = OfferFingerprint()
        f.add(offer.pointee.provider)
        f.add(offer.pointee.kind.rawValue)
        f.add(offer.pointee.offerID)
        f.add(offer.pointee.instanceType)
        f.add(offer.pointee.gpuModel)
        f.add(offer.pointee.gpuModelRaw)
        f.add(offer.pointee.location)
        f.add(offer.pointee.region.region.rawValue)
        f.add(offer.pointee.pricingModel.rawValue)
        f.add(offer.pointee.currency)
        f.add(offer.pointee.availability.rawValue)
        for country in offer.pointee.region.countries { f.add(country) }
        f.add(tags)
        f.add(Int64(offer.pointee.gpuCount))
        f.add(offer.pointee.gpuMemoryGiB.map(Int64.init))
        f.add(offer.pointee.vcpus.map(Int64.init))
        f.add(offer.pointee.ramMiB.map(Int64.init))
        f.add(price)
        return Int64(bitPattern: f.value)
    }

    /// Appends `offer` of `source` to `rows` as the parameters of ``insertSQL(rows:)``.
    static func encode(
        _ pointer: UnsafePointer<ComputeOffer>, source: String, digest: Int64, tags: String,
        into rows: inout EncodedRows
    ) {
        rows.text(source)
        rows.text(pointer.pointee.provider)
        rows.text(pointer.pointee.kind.rawValue)
        rows.text(pointer.pointee.offerID)
        rows.text(pointer.pointee.instanceType)
        rows.text(pointer.pointee.gpuModel)
        rows.text(pointer.pointee.gpuModelRaw)
        rows.integer(Int64(pointer.pointee.gpuCount))
        rows.integer(pointer.pointee.gpuMemoryGiB.map(Int64.init))
        rows.integer(pointer.pointee.vcpus.map(Int64.init))
        rows.integer(pointer.pointee.ramMiB.map(Int64.init))
        rows.text(pointer.pointee.location)
        rows.text(pointer.pointee.region.region.rawValue)
        rows.joined(pointer.pointee.region.countries, separator: 0x2C, wrapped: true)
        rows.text(tags)
        rows.text(pointer.pointee.pricingModel.rawValue)
        rows.text(pointer.pointee.currency)
        rows.integer(pointer.pointee.pricePerHour)
        rows.integer(pointer.pointee.pricePerGPUHour)
        rows.text(pointer.pointee.availability.rawValue)
        rows.integer(digest)
        rows.integer(pointer.pointee.pricePerHour ?? Int64.max)
        rows.integer(pointer.pointee.pricePerGPUHour ?? Int64.max)
    }

    /// Reads one row of ``selectList``; values this version does not know read as unknown.
    static func read(_ s: Statement, refreshedAt: [String: Int64]) throws -> ComputeMarketOffer {
        let source = s.text(0)
        let kindText = s.text(2)
        guard let kind = ComputeOfferKind(rawValue: kindText) else {
            throw StoreError(
                .malformedRow, "compute_offers.offer_kind holds \"\(kindText)\", which this version does not know")
        }
        let pricingText = s.text(15)
        guard let pricing = ComputePricingModel(rawValue: pricingText) else {
            throw StoreError(
                .malformedRow, "compute_offers.pricing_model holds \"\(pricingText)\", which this version does not know"
            )
        }
        let countries = OfferColumns.decodeList(s.text(13))
        var region = RegionRecord(region: Region(rawValue: s.text(12)) ?? .unknown, countries: countries)
        region.declared = OfferColumns.decodeList(s.text(14)).map(ComplianceTag.init(rawValue:))
        let offer = ComputeOffer(
            provider: s.text(1), kind: kind, offerID: s.text(3), instanceType: s.text(4), gpuModel: s.text(5),
            gpuModelRaw: s.text(6), gpuCount: Int(s.int64(7)), gpuMemoryGiB: s.optionalInt(8), vcpus: s.optionalInt(9),
            ramMiB: s.optionalInt(10), location: s.text(11), region: region, pricingModel: pricing,
            currency: s.text(16),
            pricePerHour: s.optionalInt64(17), availability: ComputeAvailability(rawValue: s.text(19)) ?? .unknown)
        return ComputeMarketOffer(
            source: source, offer: offer, pricePerGPUHour: s.optionalInt64(18), refreshedAt: refreshedAt[source] ?? 0)
    }
}
