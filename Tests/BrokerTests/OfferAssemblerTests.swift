@testable import Broker
import ProviderInterface
import Testing

/// A large catalog is assembled in parts on every core; the result must be exactly what
/// one pass in catalog order gives.
@Suite("Offer assembly of a large catalog")
struct OfferAssemblerTests {
    @Test(
        "assembled in parts, a large catalog keeps the first of each repeated listing, in order, each priced by its own quote"
    )
    func largeCatalogInParts() {
        let entry = ProviderEntry(
            key: "agg", adapter: "fake", baseURL: "https://agg.example",
            servedByRegions: ["scaleway": RegionRecord(region: .eu, countries: ["FR"])], index: 0)
        let unique = 12_000
        // Every listing, then the first 3,000 again (later, in another part) with another
        // context length: the first listing must win.
        var listings = (0..<unique).map { i in
            ModelListing(
                id: "org/model-\(i / 2)", servedBy: i % 2 == 0 ? "scaleway" : "together", task: .conversational,
                contextLength: 1_000 + i)
        }
        listings += (0..<3_000).map { i in
            ModelListing(
                id: "org/model-\(i / 2)", servedBy: i % 2 == 0 ? "scaleway" : "together", task: .conversational,
                contextLength: 99)
        }
        // Scaleway's endpoints each have a quote; Together's fall back to the model's own.
        let quotes =
            (0..<unique / 2).map { m in
                PriceQuote(model: "org/model-\(m)", servedBy: "scaleway", price: tokenPrice("0.\(m % 9 + 1)", "1"))
            }
            + (0..<unique / 2).map { m in PriceQuote(model: "org/model-\(m)", price: tokenPrice("2", "\(m % 7 + 1)")) }
        let offers = OfferAssembler.offers(
            entry: entry, catalog: ModelCatalog(models: listings), quotes: quotes, nowMs: testNow)

        #expect(offers.count == unique)
        #expect(offers.map(\.contextLength) == (0..<unique).map { 1_000 + $0 })
        for (i, offer) in offers.enumerated() {
            let m = i / 2
            if i % 2 == 0 {
                guard offer.servedBy == "scaleway", offer.price == tokenPrice("0.\(m % 9 + 1)", "1"),
                    offer.region == .eu
                else {
                    Issue.record("offer \(i) is \(offer)")
                    return
                }
            } else {
                guard offer.servedBy == "together", offer.price == tokenPrice("2", "\(m % 7 + 1)"),
                    offer.region == .unknown
                else {
                    Issue.record("offer \(i) is \(offer)")
                    return
                }
            }
        }
    }
}
