import Broker
import ProviderInterface
import Testing

@Suite("Router")
struct RouterTests {
    static func offer(
        _ provider: String, _ servedBy: String? = nil, input: Int64?, output: Int64?, region: Region = .unknown,
        context: Int? = nil, ttft: Int? = nil, task: ModelTask = .conversational
    ) -> Offer {
        var o = Offer(
            provider: provider, servedBy: servedBy, model: "m", hfID: "org/m", task: task,
            price: OfferPrice(
                input: input.map { .amount(PicoUSD($0)) } ?? .unknown,
                output: output.map { .amount(PicoUSD($0)) } ?? .unknown),
            contextLength: context, firstTokenLatencyMs: ttft, refreshedAt: 0)
        o.apply(RegionRecord(region: region))
        return o
    }

    let order = ["a": 0, "b": 1, "c": 2]

    @Test(
        "cheapest compares euro prices by their USD value at the stored rate; without a rate they come after comparable prices and before unknown ones; caps and the budget are in USD unless a currency is asked for"
    )
    func currencies() {
        var euro = Self.offer("a", input: 1000, output: 1000)  // €0.001/M each way
        euro.price.currency = "EUR"
        let dollar = Self.offer("b", input: 1100, output: 1100)  // $0.0011/M
        let unknown = Self.offer("c", input: nil, output: nil)
        var request = RouteRequest(model: "m", allowUnpriced: true, estimatedInputTokens: 10, estimatedOutputTokens: 10)
        let rates = ExchangeRates(date: "2026-12-04", perEuro: ["USD": "1.2"])  // €0.001 = $0.0012 > $0.0011
        #expect(
            Router.plan(request, offers: [euro, dollar, unknown], registryOrder: order, rates: rates).candidates.map(
                \.provider) == ["b", "a", "c"])
        let cheaper = ExchangeRates(date: "2026-12-04", perEuro: ["USD": "1.05"])  // $0.00105 < $0.0011
        let plan = Router.plan(request, offers: [dollar, unknown, euro], registryOrder: order, rates: cheaper)
        #expect(plan.candidates.map(\.provider) == ["a", "b", "c"])
        #expect(plan.rates?.basis == "ecb:2026-12-04")
        // No rate: the euro price is still a price (not skipped as unknown), but cannot be compared.
        #expect(
            Router.plan(request, offers: [euro, dollar, unknown], registryOrder: order).candidates.map(\.provider) == [
                "b", "a", "c",
            ])
        request.allowUnpriced = false
        #expect(
            Router.plan(request, offers: [euro, unknown], registryOrder: order).candidates.map(\.provider) == ["a"])
        // A USD cap: converted value, and refused without a rate.
        request.maxInputPrice = PicoUSD(1100)
        #expect(Router.plan(request, offers: [euro], registryOrder: order, rates: cheaper).candidates.count == 1)
        #expect(
            Router.plan(request, offers: [euro], registryOrder: order, rates: rates).excluded.first?.reason.contains(
                "(converted from EUR)") == true)
        #expect(
            Router.plan(request, offers: [euro], registryOrder: order).excluded.first?.reason.contains(
                "no stored EUR/USD rate") == true)
        // --currency EUR: only euro prices, the cap in euros.
        request.currency = "EUR"
        request.maxInputPrice = PicoUSD(1000)
        let native = Router.plan(request, offers: [euro, dollar], registryOrder: order)
        #expect(native.candidates.map(\.provider) == ["a"])
        #expect(native.excluded.first?.reason == "priced in USD, not EUR")
        // A USD budget is checked on the converted cost: 20 tokens × 1,050 pico-USD = 21,000.
        request.currency = nil
        request.maxInputPrice = nil
        request.maxCost = PicoUSD(20_999)
        #expect(Router.plan(request, offers: [euro], registryOrder: order, rates: cheaper).candidates.isEmpty)
        request.maxCost = PicoUSD(21_000)
        #expect(Router.plan(request, offers: [euro], registryOrder: order, rates: cheaper).candidates.count == 1)
    }

    @Test("cheapest orders by expected cost at the token estimate; unknown prices are skipped")
    func cheapest() {
        let offers = [
            Self.offer("a", input: 100, output: 1000),  // 10*100 + 100*1000 = 101,000
            Self.offer("b", input: 500, output: 500),  // 5,000 + 50,000 = 55,000
            Self.offer("c", input: nil, output: nil),
        ]
        let request = RouteRequest(model: "m", estimatedInputTokens: 10, estimatedOutputTokens: 100)
        let plan = Router.plan(request, offers: offers, registryOrder: order)
        #expect(plan.candidates.map(\.provider) == ["b", "a"])
        #expect(plan.excluded.map(\.reason) == ["price unknown (use --allow-unpriced)"])
        var allow = request
        allow.allowUnpriced = true
        #expect(Router.plan(allow, offers: offers, registryOrder: order).candidates.map(\.provider) == ["b", "a", "c"])
        // A longer prompt flips the choice: input price now dominates.
        var long = request
        long.estimatedInputTokens = 10_000
        #expect(Router.plan(long, offers: offers, registryOrder: order).candidates.map(\.provider) == ["a", "b"])
    }

    @Test("fastest prefers the broker's own measurements, then the provider's figures")
    func fastest() {
        let offers = [
            Self.offer("a", input: 1, output: 1, ttft: 100),
            Self.offer("b", input: 1, output: 1, ttft: 300),
            Self.offer("c", input: nil, output: nil),
        ]
        let request = RouteRequest(model: "m", policy: .fastest)
        #expect(
            Router.plan(request, offers: offers, registryOrder: order).candidates.map(\.provider) == ["a", "b", "c"])
        let measured = [
            OfferKey(offers[1]): MeasuredLatency(
                samples: 5, medianLatencyMs: 50, averageLatencyMs: 50, medianFirstTokenMs: 40)
        ]
        #expect(
            Router.plan(request, offers: offers, registryOrder: order, measured: measured).candidates.map(\.provider)
                == ["b", "a", "c"])
    }

    /// An offer with the provider's published speed figures.
    static func timed(_ provider: String, ttft: Int?, tps: Int?) -> Offer {
        var o = offer(provider, input: 1, output: 1, ttft: ttft)
        o.throughputTokensPerSecond = tps
        return o
    }

    static func measured(samples: Int, firstTokenMs: Int64?, tps: Int64?, latencyMs: Int64 = 1_000) -> MeasuredLatency {
        MeasuredLatency(
            samples: samples, medianLatencyMs: latencyMs, averageLatencyMs: latencyMs, medianFirstTokenMs: firstTokenMs,
            medianOutputTokensPerSecond: tps)
    }

    func fastestOrder(_ offers: [Offer], maxTokens: Int64, measured: [OfferKey: MeasuredLatency] = [:]) -> [String] {
        let request = RouteRequest(model: "m", policy: .fastest, estimatedOutputTokens: maxTokens)
        let order = ["quick": 0, "steady": 1, "partial": 2, "blind": 3]
        return Router.plan(request, offers: offers, registryOrder: order, measured: measured).candidates.map(\.provider)
    }

    @Test(
        "fastest: time to first token plus output tokens over throughput, so a short answer goes to the quick starter and a long one to the high throughput"
    )
    func fastestWhenFirstTokenAndThroughputDisagree() {
        // quick: 100 ms to first token, 50 tokens/s; steady: 900 ms, 500 tokens/s.
        let offers = [
            Self.timed("blind", ttft: nil, tps: nil), Self.timed("partial", ttft: 50, tps: nil),
            Self.timed("steady", ttft: 900, tps: 500), Self.timed("quick", ttft: 100, tps: 50),
        ]
        // 16 tokens: quick 100 + 320 = 420 ms, steady 900 + 32 = 932 ms.
        #expect(fastestOrder(offers, maxTokens: 16) == ["quick", "steady", "partial", "blind"])
        // 1,000 tokens: quick 100 + 20,000 ms, steady 900 + 2,000 ms.
        #expect(fastestOrder(offers, maxTokens: 1_000) == ["steady", "quick", "partial", "blind"])
        // The default estimate (256 tokens): quick 5,220 ms, steady 1,412 ms.
        #expect(
            fastestOrder(offers, maxTokens: RouteRequest(model: "m").estimatedOutputTokens) == [
                "steady", "quick", "partial", "blind",
            ])
        // An absurd max_tokens saturates instead of trapping; the order still holds.
        #expect(fastestOrder(offers, maxTokens: Int64.max / 10).prefix(2) == ["steady", "quick"])
        // The crossover: 100 + 20n = 900 + 2n at n ≈ 44 tokens.
        #expect(fastestOrder(offers, maxTokens: 40).first == "quick")
        #expect(fastestOrder(offers, maxTokens: 50).first == "steady")
    }

    @Test("fastest: the broker's own medians replace the published figures once it has measured enough requests")
    func fastestWithMeasuredHistory() {
        let offers = [Self.timed("steady", ttft: 900, tps: 500), Self.timed("quick", ttft: 100, tps: 50)]
        let quick = OfferKey(offers[1])
        // Measured, quick really starts in 1,500 ms and runs at 1,000 tokens/s:
        // 16 tokens: 1,516 ms (steady 932 ms); 1,000 tokens: 2,500 ms (steady 2,900 ms).
        let enough = [
            quick: Self.measured(samples: ExpectedCompletion.minimumMeasuredSamples, firstTokenMs: 1_500, tps: 1_000)
        ]
        #expect(fastestOrder(offers, maxTokens: 16, measured: enough) == ["steady", "quick"])
        #expect(fastestOrder(offers, maxTokens: 1_000, measured: enough) == ["quick", "steady"])
        // Too few measured requests: the provider's figures still decide.
        let few = [
            quick: Self.measured(
                samples: ExpectedCompletion.minimumMeasuredSamples - 1, firstTokenMs: 1_500, tps: 1_000)
        ]
        #expect(fastestOrder(offers, maxTokens: 16, measured: few) == ["quick", "steady"])
        #expect(fastestOrder(offers, maxTokens: 1_000, measured: few) == ["steady", "quick"])
        // Unstreamed history has no first-token time: its throughput is over the whole call.
        let whole = [quick: Self.measured(samples: 20, firstTokenMs: nil, tps: 400)]
        #expect(fastestOrder(offers, maxTokens: 1_000, measured: whole) == ["quick", "steady"])  // 2,500 ms
        // A few measurements of an offer that publishes nothing rank after complete estimates,
        // ahead of an offer with nothing known at all.
        let unpublished =
            [Self.timed("blind", ttft: nil, tps: nil), Self.timed("partial", ttft: nil, tps: nil)] + offers
        let thin = [OfferKey(unpublished[1]): Self.measured(samples: 2, firstTokenMs: 10, tps: 10_000)]
        #expect(fastestOrder(unpublished, maxTokens: 16, measured: thin) == ["quick", "steady", "partial", "blind"])
    }

    @Test("explain says where each fastest estimate comes from")
    func explainFastest() {
        let offers = [
            Self.timed("steady", ttft: 900, tps: 500), Self.timed("quick", ttft: 100, tps: 50),
            Self.timed("blind", ttft: nil, tps: nil),
        ]
        let request = RouteRequest(model: "m", policy: .fastest, estimatedOutputTokens: 1_000)
        let measured = [OfferKey(offers[1]): Self.measured(samples: 12, firstTokenMs: 1_500, tps: 1_000)]
        let order = ["quick": 0, "steady": 1, "blind": 2]
        let plan = Router.plan(request, offers: offers, registryOrder: order, measured: measured)
        let lines = Router.explain(request, plan: plan, registryOrder: order, measured: measured)
        #expect(
            lines == [
                "policy fastest: 3 candidates",
                "  1. quick/quick m: expected 2500 ms for 1000 output tokens: the broker's medians over 12 requests (first token 1500 ms, 1000 tokens/s)",
                "  2. steady/steady m: expected 2900 ms for 1000 output tokens: the provider's figures (first token 900 ms, 500 tokens/s)",
                "  3. blind/blind m: no speed figures, measured or published: tried last",
            ])
    }

    @Test("preferred follows registry order")
    func preferred() {
        let offers = [
            Self.offer("c", input: 1, output: 1), Self.offer("a", input: 9, output: 9),
            Self.offer("b", input: 5, output: 5),
        ]
        let plan = Router.plan(RouteRequest(model: "m", policy: .preferred), offers: offers, registryOrder: order)
        #expect(plan.candidates.map(\.provider) == ["a", "b", "c"])
    }

    @Test("filters exclude with a reason: region, pin, caps, context, task, stale, breaker, disabled")
    func exclusions() {
        let offers = [
            Self.offer("a", "scaleway", input: 1, output: 1, region: .eu),
            Self.offer("a", "together", input: 1, output: 1, region: .unknown),
            Self.offer("b", input: 900_000, output: 1, region: .eu),
            Self.offer("c", input: 1, output: 1, region: .eu, context: 100),
            Self.offer("d", input: 1, output: 1, region: .eu),
        ]
        var request = RouteRequest(model: "m", region: .eu, maxInputPrice: PicoUSD(500_000))
        request.estimatedInputTokens = 50
        request.estimatedOutputTokens = 100
        let plan = Router.plan(request, offers: offers, registryOrder: order)
        #expect(plan.candidates.map(\.servedBy) == ["scaleway"])
        let reasons = Dictionary(plan.excluded.map { ($0.offer.servedBy, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons["together"] == "region unknown (not positively eu)")
        #expect(reasons["b"]?.hasPrefix("input price 0.9 > cap 0.5") == true)
        #expect(reasons["c"] == "context 100 tokens < 150 needed")
        #expect(reasons["d"] == "provider 'd' is not enabled in the registry")

        var pinned = RouteRequest(model: "m", provider: "a", servedBy: "together")
        pinned.allowUnpriced = true
        #expect(Router.plan(pinned, offers: offers, registryOrder: order).candidates.map(\.servedBy) == ["together"])

        let stale = Router.plan(
            RouteRequest(model: "m"), offers: [offers[0]], registryOrder: order, isStale: { _ in true })
        #expect(stale.candidates.isEmpty)
        #expect(stale.excluded.first?.reason.hasPrefix("stale") == true)
        let open = Router.plan(
            RouteRequest(model: "m"), offers: [offers[0]], registryOrder: order, isOpen: { _ in true })
        #expect(open.excluded.first?.reason == "circuit open after repeated failures")
        let chatOnly = Router.plan(
            RouteRequest(model: "m"), offers: [Self.offer("a", input: 1, output: 1, task: .summarization)],
            registryOrder: order)
        #expect(chatOnly.excluded.first?.reason == "task is summarization, not chat")
    }

    @Test("a budget refuses an offer whose expected cost is over it")
    func budget() {
        var request = RouteRequest(model: "m", estimatedInputTokens: 1000, estimatedOutputTokens: 1000)
        request.maxCost = PicoUSD(1_000_000)  // $0.000001
        let plan = Router.plan(request, offers: [Self.offer("a", input: 600, output: 600)], registryOrder: order)
        #expect(plan.candidates.isEmpty)
        #expect(plan.excluded.first?.reason.contains("budget") == true)
    }

    @Test("the circuit opens after three straight failures and half-opens after the cooldown")
    func breaker() {
        let b = CircuitBreaker(threshold: 3, cooldownMs: 1000)
        let failing = [(ok: false, at: Int64(900)), (ok: false, at: 800), (ok: false, at: 700)]
        #expect(b.isOpen(recent: failing, nowMs: 1000))
        #expect(!b.isOpen(recent: failing, nowMs: 1901))  // probe allowed
        #expect(!b.isOpen(recent: [(ok: true, at: 950)] + failing.prefix(2), nowMs: 1000))
        #expect(!b.isOpen(recent: Array(failing.prefix(2)), nowMs: 1000))
    }
}
