import Broker
import ProviderInterface
import Testing

@Suite("rent or call")
struct RentOrCallTests {
    static let l4 = ComputeMarketOffer(
        source: "hf-endpoints",
        offer: ComputeOffer(
            provider: "hf-endpoints", kind: .managedEndpoint, offerID: "l4x1", instanceType: "nvidia-l4:x1",
            gpuModel: "L4",
            gpuModelRaw: "L4", gpuCount: 1, gpuMemoryGiB: 24, location: "aws/us-east-1", pricePerHour: 800_000_000_000),
        refreshedAt: 0)

    @Test(
        "a daily volume near the largest integer plans without trapping: the option whose cost no longer fits is left out"
    )
    func hugeVolume() {
        let assumptions = RentOrCallAssumptions(parameters: 8_000_000_000)
        let ordinary = RentOrCallPlan(
            tokensPerDay: 100_000_000, assumptions: assumptions, tokenOffers: [], computeOffers: [Self.l4],
            converter: nil)
        // 1,000 tokens/s × 50 % = 43.2M tokens a day per L4: 3 instances at $0.8/h = $57.6 a day.
        #expect(ordinary.dedicated.map(\.instances) == [3])
        #expect(ordinary.dedicated.map(\.usdPerDay) == [57_600_000_000_000])

        let huge = RentOrCallPlan(
            tokensPerDay: Int64.max, assumptions: assumptions, tokenOffers: [], computeOffers: [Self.l4], converter: nil
        )
        #expect(huge.dedicated.isEmpty)
    }
}
