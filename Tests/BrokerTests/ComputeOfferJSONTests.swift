import Broker
import ProviderInterface
import Testing

@Suite("gpus JSON")
struct ComputeOfferJSONTests {
    @Test("ram_gib is exact GiB from MiB; a catalog's absurd RAM figure is null in the listing instead of a crash")
    func ramGiB() {
        var market = RentOrCallTests.l4
        market.offer.ramMiB = 1536
        #expect(ComputeOfferJSON.object(market, stale: false, converter: nil)["ram_gib"] == .number("1.5"))
        market.offer.ramMiB = Int.max / 2
        #expect(ComputeOfferJSON.object(market, stale: false, converter: nil)["ram_gib"] == .null)
    }
}
