@testable import Broker
import ProviderInterface
import Testing

@Suite("Digest tables")
struct DigestTableTests {
    @Test("a table sized too small grows and still finds every entry; the first value stored under a digest stays")
    func growsAndKeepsFirst() {
        var table = DigestTable(capacity: 2)
        var digest: UInt64 = 1
        var digests: [UInt64] = []
        for i in 0..<1_000 {
            digest = digest &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            digests.append(digest)
            #expect(table.insertIfAbsent(digest, i) == nil)
        }
        #expect(table.count == 1_000)
        #expect(digests.indices.allSatisfy { table[digests[$0]] == $0 })
        #expect(table.insertIfAbsent(digests[7], 99) == 7)
        #expect(table[digests[7]] == 7)
        #expect(table[12_345] == nil)
    }

    @Test("quotes quoted twice: the last one wins, and a missing served-by falls back to the model's own quote")
    func quoteIndex() {
        let quotes = [
            PriceQuote(model: "m", servedBy: "a", price: tokenPrice("1", "1")),
            PriceQuote(model: "m", servedBy: "a", price: tokenPrice("2", "2")),
            PriceQuote(model: "m", servedBy: nil, price: tokenPrice("3", "3")),
        ]
        let index = OfferAssembler.QuoteIndex(quotes)
        #expect(index.find(model: "m", servedBy: "a") == 1)
        #expect(index.find(model: "m", servedBy: nil) == 2)
        #expect(index.find(model: "m", servedBy: "b") == nil)
        #expect(index.find(model: "n", servedBy: "a") == nil)
    }

    @Test("a refresh counts each model once, however many endpoints and tasks list it")
    func distinctModels() {
        let offers = [
            offer("p", "org/a", servedBy: "x"), offer("p", "org/a", servedBy: "y"),
            offer("p", "org/a", servedBy: "x", task: .textGeneration), offer("p", "org/b"), offer("p", "org/B"),
        ]
        #expect(PricingRefresher.distinctModels(offers) == 3)
        #expect(PricingRefresher.distinctModels([]) == 0)
    }
}
