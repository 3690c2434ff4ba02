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

    /// `",eu-residency,gdpr,"`: the offer's compliance tags as stored (computed once per offer:
    /// deriving them builds a set).
    static func tagText(_ offer: ComputeOffer) -> String {
        "," + offer.region.complianceTags.map(\.rawValue).joined(separator: ",") + (offer.region.complianceTags.isEmpty ? "" : ",")
    }

    /// A digest of every stored field of `offer` (stable across processes); `tags` is ``tagText(_:)``.
    static func digest(_ offer: ComputeOffer, tags: String) -> Int64 {
        var f = OfferFingerprint()
        for text in [offer.provider, offer.kind.rawValue, offer.offerID, offer.instanceType, offer.gpuModel, offer.gpuModelRaw,
            offer.location, offer.region.region.rawValue, offer.pricingModel.rawValue, offer.currency, offer.availability.rawValue]
        {
            f.add(text)
        }
        for country in offer.region.countries { f.add(country) }
        f.add(tags)
        let numbers: [Int64?] = [
            Int64(offer.gpuCount), offer.gpuMemoryGiB.map(Int64.init), offer.vcpus.map(Int64.init),
            offer.ramMiB.map(Int64.init), offer.pricePerHour,
        ]
        for number in numbers { f.add(number) }
        return Int64(bitPattern: f.value)
    }

    /// Appends `offer` of `source` to `rows` as the parameters of ``insertSQL(rows:)``.
    static func encode(_ offer: ComputeOffer, source: String, digest: Int64, tags: String, into rows: inout EncodedRows) {
        rows.text(source)
        rows.text(offer.provider)
        rows.text(offer.kind.rawValue)
        rows.text(offer.offerID)
        rows.text(offer.instanceType)
        rows.text(offer.gpuModel)
        rows.text(offer.gpuModelRaw)
        rows.integer(Int64(offer.gpuCount))
        rows.integer(offer.gpuMemoryGiB.map(Int64.init))
        rows.integer(offer.vcpus.map(Int64.init))
        rows.integer(offer.ramMiB.map(Int64.init))
        rows.text(offer.location)
        rows.text(offer.region.region.rawValue)
        rows.joined(offer.region.countries, separator: 0x2C, wrapped: true)
        rows.text(tags)
        rows.text(offer.pricingModel.rawValue)
        rows.text(offer.currency)
        rows.integer(offer.pricePerHour)
        rows.integer(offer.pricePerGPUHour)
        rows.text(offer.availability.rawValue)
        rows.integer(digest)
        rows.integer(offer.pricePerHour ?? Int64.max)
        rows.integer(offer.pricePerGPUHour ?? Int64.max)
    }

    /// Reads one row of ``selectList``; values this version does not know read as unknown.
    static func read(_ s: Statement, refreshedAt: [String: Int64]) throws -> ComputeMarketOffer {
        let source = s.text(0)
        let kindText = s.text(2)
        guard let kind = ComputeOfferKind(rawValue: kindText) else {
            throw StoreError(.malformedRow, "compute_offers.offer_kind holds \"\(kindText)\", which this version does not know")
        }
        let pricingText = s.text(15)
        guard let pricing = ComputePricingModel(rawValue: pricingText) else {
            throw StoreError(.malformedRow, "compute_offers.pricing_model holds \"\(pricingText)\", which this version does not know")
        }
        let countries = OfferColumns.decodeList(s.text(13))
        var region = RegionRecord(region: Region(rawValue: s.text(12)) ?? .unknown, countries: countries)
        region.declared = OfferColumns.decodeList(s.text(14)).map(ComplianceTag.init(rawValue:))
        let offer = ComputeOffer(
            provider: s.text(1), kind: kind, offerID: s.text(3), instanceType: s.text(4), gpuModel: s.text(5),
            gpuModelRaw: s.text(6), gpuCount: Int(s.int64(7)), gpuMemoryGiB: s.optionalInt(8), vcpus: s.optionalInt(9),
            ramMiB: s.optionalInt(10), location: s.text(11), region: region, pricingModel: pricing, currency: s.text(16),
            pricePerHour: s.optionalInt64(17), availability: ComputeAvailability(rawValue: s.text(19)) ?? .unknown)
        return ComputeMarketOffer(
            source: source, offer: offer, pricePerGPUHour: s.optionalInt64(18), refreshedAt: refreshedAt[source] ?? 0)
    }
}
