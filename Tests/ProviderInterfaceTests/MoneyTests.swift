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

    @Test(
        "a euro price converts to USD half up with its ECB basis; without a rate it stays unconverted, never unknown or zero"
    )
    func euroPriceInUSD() throws {
        // €0.001 per million tokens = 1,000 pico-EUR per token; × 1.1435 = 1,143.5 → 1,144 (half up).
        let price = OfferPrice(
            input: try #require(PriceValue.parse("0.001", unit: .eurPerMillionTokens)),
            output: try #require(PriceValue.parse("0.000999", unit: .eurPerMillionTokens)),
            currency: PriceUnit.eurPerMillionTokens.currency)
        #expect(price.currency == "EUR")
        let rates = ExchangeRates(date: "2026-12-04", perEuro: ["USD": "1.1435"])
        let usd = try #require(price.inUSD(rates))
        #expect(usd.basis == "ecb:2026-12-04")
        #expect(usd.price.currency == "USD")
        #expect(usd.price.input.amount == PicoUSD(1_144))
        #expect(usd.price.output.amount == PicoUSD(1_142))  // 999 × 1.1435 = 1,142.3565 → 1,142
        // A cost converts once, from the exact euro total: 3,000 pico-EUR → 3,430.5 → 3,431.
        #expect(price.usdCost(PicoUSD(3_000), rates)?.cost == PicoUSD(3_431))
        #expect(price.inUSD(nil) == nil)
        #expect(price.inUSD(ExchangeRates(date: "2026-12-04", perEuro: ["JPY": "185.72"])) == nil)
        #expect(price.state == .priced)
        // A dollar price is its own USD figure.
        #expect(OfferPrice.free.inUSD(nil)?.basis == "native")
    }
}
