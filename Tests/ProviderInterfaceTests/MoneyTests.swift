import ProviderInterface
import Testing

@Suite("Exact money")
struct MoneyTests {
    @Test(
        "decimal prices convert to pico-USD exactly",
        arguments: [
            ("0.000000015", PriceUnit.usdPerToken, Int64(15_000)),
            ("3.5e-7", .usdPerToken, 350_000),
            ("3.5E-7", .usdPerToken, 350_000),
            ("0.88", .usdPerMillionTokens, 880_000),
            ("0.15", .usdPerMillionTokens, 150_000),
            ("1.69", .usdPerMillionTokens, 1_690_000),
            ("3.38", .usdPerMillionTokens, 3_380_000),
            ("2700", .tenThousandthUSDPerMillionTokens, 270_000),
            ("0", .usdPerToken, 0),
            ("15", .usdPerMillionTokens, 15_000_000),
            ("1e2", .usdPerMillionTokens, 100_000_000),
            ("0.0000000000001", .usdPerToken, 0),
        ])
    func exactConversion(text: String, unit: PriceUnit, pico: Int64) {
        #expect(PicoUSD(decimal: text, unit: unit) == PicoUSD(pico))
    }

    @Test("sentinels and garbage")
    func sentinels() {
        #expect(PriceValue.parse("-1", unit: .usdPerToken) == .unknown)
        #expect(PriceValue.parse("0", unit: .usdPerToken) == .amount(.zero))
        #expect(PriceValue.parse("abc", unit: .usdPerToken) == nil)
        #expect(PriceValue.parse("", unit: .usdPerToken) == nil)
        #expect(PriceValue.parse("1.2.3", unit: .usdPerToken) == nil)
        #expect(PriceValue.parse("99999999999999999999", unit: .usdPerToken) == nil)
    }

    @Test("prices print exactly as USD per million tokens")
    func printing() {
        #expect(PicoUSD(880_000).usdPerMillionTokensText == "0.88")
        #expect(PicoUSD(150_000).usdPerMillionTokensText == "0.15")
        #expect(PicoUSD(0).usdPerMillionTokensText == "0")
        #expect(PicoUSD(15_000_000).usdPerMillionTokensText == "15")
        #expect(PicoUSD(1).usdPerMillionTokensText == "0.000001")
    }

    @Test("costs are exact integer products, reported in nano-USD rounded half up")
    func costs() throws {
        let price = OfferPrice(input: .amount(PicoUSD(150_000)), output: .amount(PicoUSD(600_000)))
        let cost = try #require(price.cost(inputTokens: 1234, outputTokens: 567))
        #expect(cost == PicoUSD(1234 * 150_000 + 567 * 600_000))
        #expect(PicoUSD(1500).roundedNanoUSD == 2)
        #expect(PicoUSD(1499).roundedNanoUSD == 1)
        #expect(PicoUSD(500).roundedNanoUSD == 1)
        // 0.1 + 0.2 style drift cannot happen: ten 0.1-cent requests are exactly one cent.
        let tenth = PicoUSD(decimal: "0.001", unit: .usdPerUnit)
        let sum = (0..<10).reduce(PicoUSD.zero) { acc, _ in acc + (tenth ?? .zero) }
        #expect(sum == PicoUSD(decimal: "0.01", unit: .usdPerUnit))
    }

    @Test("price state: unknown is never free")
    func states() {
        #expect(OfferPrice.unknown.state == .unknown)
        #expect(OfferPrice.free.state == .free)
        #expect(OfferPrice(input: .amount(.zero), output: .unknown).state == .unknown)
        #expect(OfferPrice(input: .amount(PicoUSD(1)), output: .amount(.zero)).state == .priced)
        #expect(OfferPrice.unknown.cost(inputTokens: 1, outputTokens: 1) == nil)
        #expect(OfferPrice.unknown.blendedPerFourTokens == nil)
    }

    @Test("an absurd price never crashes: costs past 64 bits are unknown")
    func overflow() {
        let absurd = OfferPrice(input: .amount(PicoUSD(Int64.max / 2)), output: .amount(PicoUSD(Int64.max / 2)))
        #expect(absurd.cost(inputTokens: 10, outputTokens: 10) == nil)
        #expect(absurd.blendedPerFourTokens == nil)
    }
}

@Suite("Regions and compliance")
struct ComplianceTests {
    @Test("tags derive from region and countries")
    func derivation() {
        #expect(RegionRecord(region: .eu, countries: ["FR"]).complianceTags == [.euResidency, .gdpr])
        #expect(RegionRecord(region: .uk).complianceTags == [.gdpr])
        #expect(RegionRecord(region: .local).complianceTags == [.local, .noEgress])
        #expect(RegionRecord(region: .unknown).complianceTags == [])
        #expect(RegionRecord(region: .us, declared: [.zdr]).complianceTags == [.zdr])
        #expect(RegionRecord(region: .global, countries: ["GB", "NO"]).complianceTags == [])
        #expect(RegionRecord(region: .global, countries: ["DE", "NO"]).complianceTags == [.euResidency, .gdpr])
    }

    @Test("chat is an alias of conversational")
    func taskAlias() {
        #expect(ModelTask(userInput: "chat") == .conversational)
        #expect(ModelTask(userInput: "Summarization") == .summarization)
    }
}
