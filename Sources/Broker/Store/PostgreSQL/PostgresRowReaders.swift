import PostgresClient
import ProviderInterface

/// Reads the rows the shared column lists select (``OfferColumns/selectList``,
/// ``PriceHistoryColumns/selectList``, ``ComputeColumns/selectList``) from PostgreSQL rows,
/// column for column as the SQLite readers do.
enum PostgresRowReaders {
    /// An offer from ``OfferColumns/selectList`` (see ``OfferColumns/read(_:)``).
    static func offer(_ s: PostgresRow) throws -> Offer {
        let billingText = try s.text(6)
        guard let billing = Billing(rawValue: billingText) else {
            throw StoreError(.malformedRow, "offers.billing holds \"\(billingText)\", which this version does not know")
        }
        let price = OfferPrice(
            billing: billing, input: OfferColumns.priceValue(try s.optionalInt64(8)),
            output: OfferColumns.priceValue(try s.optionalInt64(9)),
            unit: OfferColumns.priceValue(try s.optionalInt64(10)),
            currency: try s.text(24))
        var offer = Offer(
            provider: try s.text(0), servedBy: try s.text(1), model: try s.text(2),
            servedModelID: try s.optionalText(3),
            hfID: try s.optionalText(4), task: ModelTask(try s.text(5)), price: price,
            region: Region(rawValue: try s.text(12)) ?? .unknown, countries: OfferColumns.decodeList(try s.text(13)),
            compliance: OfferColumns.decodeList(try s.text(14)).map(ComplianceTag.init(rawValue:)),
            contextLength: try s.optionalInt(15), supportsTools: try flag(s, 16),
            supportsStructuredOutput: try flag(s, 17), firstTokenLatencyMs: try s.optionalInt(18),
            throughputTokensPerSecond: try s.optionalInt(19), curated: try s.int64(20) != 0,
            priceTaken: try s.optionalText(21), refreshedAt: try s.int64(22))
        offer.supportsImages = try flag(s, 23)
        offer.retiresAt = try s.optionalText(25)
        return offer
    }

    /// A 0/1 integer column as a boolean, `nil` for NULL.
    static func flag(_ s: PostgresRow, _ column: Int32) throws -> Bool? {
        try s.optionalInt64(column).map { $0 != 0 }
    }

    /// A price change from ``PriceHistoryColumns/selectList`` (see ``PriceHistoryColumns/read(_:)``).
    static func priceChange(_ s: PostgresRow) throws -> PriceChange {
        let billingText = try s.text(4)
        guard let billing = Billing(rawValue: billingText) else {
            throw StoreError(
                .malformedRow, "price_history.billing holds \"\(billingText)\", which this version does not know")
        }
        let appeared = try s.int64(5) != 0
        func old(_ column: Int32) throws -> PriceValue? {
            appeared ? nil : OfferColumns.priceValue(try s.optionalInt64(column))
        }
        return PriceChange(
            provider: try s.text(0), servedBy: try s.text(1), model: try s.text(2), at: try s.int64(3),
            billing: billing,
            oldInput: try old(6), oldOutput: try old(7), oldUnit: try old(8),
            newInput: OfferColumns.priceValue(try s.optionalInt64(9)),
            newOutput: OfferColumns.priceValue(try s.optionalInt64(10)),
            newUnit: OfferColumns.priceValue(try s.optionalInt64(11)), currency: try s.text(12))
    }

    /// A compute offer from ``ComputeColumns/selectList`` (see ``ComputeColumns/read(_:refreshedAt:)``).
    static func computeOffer(_ s: PostgresRow, refreshedAt: [String: Int64]) throws -> ComputeMarketOffer {
        let source = try s.text(0)
        let kindText = try s.text(2)
        guard let kind = ComputeOfferKind(rawValue: kindText) else {
            throw StoreError(
                .malformedRow, "compute_offers.offer_kind holds \"\(kindText)\", which this version does not know")
        }
        let pricingText = try s.text(15)
        guard let pricing = ComputePricingModel(rawValue: pricingText) else {
            throw StoreError(
                .malformedRow, "compute_offers.pricing_model holds \"\(pricingText)\", which this version does not know"
            )
        }
        var region = RegionRecord(
            region: Region(rawValue: try s.text(12)) ?? .unknown, countries: OfferColumns.decodeList(try s.text(13)))
        region.declared = OfferColumns.decodeList(try s.text(14)).map(ComplianceTag.init(rawValue:))
        let offer = ComputeOffer(
            provider: try s.text(1), kind: kind, offerID: try s.text(3), instanceType: try s.text(4),
            gpuModel: try s.text(5),
            gpuModelRaw: try s.text(6), gpuCount: Int(try s.int64(7)), gpuMemoryGiB: try s.optionalInt(8),
            vcpus: try s.optionalInt(9), ramMiB: try s.optionalInt(10), location: try s.text(11), region: region,
            pricingModel: pricing, currency: try s.text(16), pricePerHour: try s.optionalInt64(17),
            availability: ComputeAvailability(rawValue: try s.text(19)) ?? .unknown)
        return ComputeMarketOffer(
            source: source, offer: offer, pricePerGPUHour: try s.optionalInt64(18),
            refreshedAt: refreshedAt[source] ?? 0)
    }
}
