import ProviderInterface

/// `broker audit prices` and `GET /v1/marketplace/audit`: the price disagreements across
/// sources and the registry models missing from live catalogs, read from the store.
public struct AuditReport: Sendable {
    /// Disagreements beyond the tolerance.
    public var disagreements: [PriceDisagreement]
    /// Registry models missing from their provider's live catalog.
    public var missing: [MissingModel]
    /// The rates the prices were compared with.
    public var rates: ExchangeRates?

    /// The report over every stored offer.
    public static func make(store: any MarketStore, registry: Registry, toleranceBasisPoints: Int64) async throws
        -> AuditReport
    {
        let offers = try await store.queryOffers(MarketQuery(nowMs: 0, sort: .model, includeStale: true))
        let rates = try await store.exchangeRates()
        return AuditReport(
            disagreements: PriceAudit.disagreements(offers, rates: rates, toleranceBasisPoints: toleranceBasisPoints),
            missing: PriceAudit.missing(registry, offers: offers), rates: rates)
    }

    /// The findings as JSON objects: disagreements, then missing models.
    public func objects(nowMs: Int64) -> [JSONObject] {
        disagreements.map { AuditJSON.object($0, rates: rates, nowMs: nowMs) } + missing.map(AuditJSON.object)
    }

    /// A tolerance given in percent (`5`, `2.5`) as basis points; `nil` when not one.
    public static func toleranceBasisPoints(_ text: String) -> Int64? {
        guard let scaled = DecimalText.scaled(text, by: 2), scaled.exact, (0...1_000_000).contains(scaled.value) else {
            return nil
        }
        return scaled.value
    }
}
