import ProviderInterface

/// One price that sources disagree on: the same weights (`hf_id`) at the same serving
/// endpoint, priced by more than one source (the Hugging Face router, OpenRouter's
/// per-endpoint prices, the provider's own feed or table) further apart than the tolerance.
public struct PriceDisagreement: Sendable, Hashable {
    /// The Hugging Face id of the weights.
    public var hfID: String
    /// The serving endpoint.
    public var servedBy: String
    /// `input` or `output`.
    public var side: String
    /// Each source's offer, cheapest first.
    public var offers: [Offer]
    /// Each offer's price per token in pico-USD (converted for another currency), in the
    /// order of ``offers``.
    public var usd: [PicoUSD]
    /// (highest − lowest) / lowest, in basis points (1/100 of a percent).
    public var spreadBasisPoints: Int64
}

/// A model in a provider's registry table that its live catalog no longer lists.
public struct MissingModel: Sendable, Hashable {
    /// The provider's registry key.
    public var provider: String
    /// The model id in the registry.
    public var model: String
}

/// Cross-source price checks over the market's offers. Pure.
public enum PriceAudit {
    /// The default tolerance: 5% (500 basis points).
    public static let defaultToleranceBasisPoints: Int64 = 500

    /// The disagreements among `offers` beyond `toleranceBasisPoints`. Prices are compared in
    /// USD (another currency converted with `rates`; without one such a price is not
    /// compared); unknown prices are not compared.
    public static func disagreements(
        _ offers: [Offer], rates: ExchangeRates?, toleranceBasisPoints: Int64 = defaultToleranceBasisPoints
    ) -> [PriceDisagreement] {
        struct Endpoint: Hashable {
            var hfID: String
            var servedBy: String
        }
        var groups: [Endpoint: [Offer]] = [:]
        for offer in offers where offer.price.billing == .token {
            guard let hf = offer.hfID else { continue }
            groups[Endpoint(hfID: hf, servedBy: offer.servedBy), default: []].append(offer)
        }
        var found: [PriceDisagreement] = []
        for (endpoint, group) in groups.sorted(by: { ($0.key.hfID, $0.key.servedBy) < ($1.key.hfID, $1.key.servedBy) })
        {
            // Two offers of one provider are one source.
            guard Set(group.map(\.provider)).count > 1 else { continue }
            for side in ["input", "output"] {
                var priced: [(offer: Offer, usd: PicoUSD)] = []
                for offer in group {
                    guard let usd = offer.price.inUSD(rates)?.price,
                        let amount = (side == "input" ? usd.input : usd.output).amount
                    else { continue }
                    priced.append((offer, amount))
                }
                priced.sort { ($0.usd, $0.offer.provider) < ($1.usd, $1.offer.provider) }
                guard priced.count > 1, let low = priced.first?.usd.value, let high = priced.last?.usd.value, high > low
                else { continue }
                let spread = low == 0 ? Int64.max : (high - low) * 10_000 / low
                guard spread > toleranceBasisPoints else { continue }
                found.append(
                    PriceDisagreement(
                        hfID: endpoint.hfID, servedBy: endpoint.servedBy, side: side, offers: priced.map(\.offer),
                        usd: priced.map(\.usd), spreadBasisPoints: spread))
            }
        }
        return found
    }

    /// The offers taking part in a disagreement (`price_disputed` in the market).
    public static func disputed(_ disagreements: [PriceDisagreement]) -> Set<OfferKey> {
        Set(disagreements.flatMap { $0.offers.map(OfferKey.init) })
    }

    /// Rows of registry tables whose provider reads a live catalog (its API or a feed) and
    /// whose model that catalog, as stored in `offers`, no longer lists. Providers never
    /// refreshed (no stored offers) are not judged.
    public static func missing(_ registry: Registry, offers: [Offer]) -> [MissingModel] {
        var listed: [String: Set<String>] = [:]
        for offer in offers { listed[offer.provider, default: []].insert(offer.model) }
        var out: [MissingModel] = []
        for entry in registry.entries where entry.enabled && !entry.pricing.catalogIsTable {
            guard let models = listed[entry.key], !models.isEmpty else { continue }
            for row in entry.pricing.table where !models.contains(row.model) {
                out.append(MissingModel(provider: entry.key, model: row.model))
            }
        }
        return out
    }
}
