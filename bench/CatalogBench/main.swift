// CatalogBench: lists and prices a large simulated Hugging Face catalog end to end — Hub
// listing over every Link page plus the router price catalog, through CurlTransport and the
// loopback ProviderSimulator — and reports wall times. Target: under 1 s for 20,000 models
// × 3 providers.
//
//   swift run -c release --scratch-path .build-hf CatalogBench [models] [providersPerModel] [runs]

import Adapters
import ProviderInterface
import ProviderSimulator

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let modelCount = arguments.count > 0 ? arguments[0] : 20_000
let providersPerModel = arguments.count > 1 ? arguments[1] : 3
let runs = arguments.count > 2 ? arguments[2] : 5

func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}

func format(_ ms: Double) -> String {
    let tenths = Int((ms * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) ms"
}

struct Sample {
    var list: Double
    var price: Double
    var sequential: Double
    var concurrent: Double
}

func measure(_ adapter: HuggingFaceAdapter) async throws -> (Sample, ModelCatalog, [PriceQuote]) {
    let clock = ContinuousClock()
    var catalog = ModelCatalog(models: [])
    var quotes: [PriceQuote] = []
    let list = try await clock.measure { catalog = try await adapter.listModels() }
    let price = try await clock.measure { quotes = try await adapter.getPricing() }
    let concurrent = try await clock.measure {
        async let listed = adapter.listModels()
        async let priced = adapter.getPricing()
        _ = try await (listed, priced)
    }
    let sample = Sample(
        list: milliseconds(list), price: milliseconds(price), sequential: milliseconds(list + price),
        concurrent: milliseconds(concurrent))
    return (sample, catalog, quotes)
}

let clock = ContinuousClock()
let setupStart = clock.now
let simulator = ProviderSimulator(fixtures: .generated(models: modelCount, providersPerModel: providersPerModel))
try simulator.start()
defer { simulator.stop() }
let setup = clock.now - setupStart

let entry = ProviderEntry(
    key: "huggingface", adapter: "huggingface", baseURL: simulator.baseURL, urls: ["hub": simulator.baseURL],
    authEnv: "HF_TOKEN", options: JSONObject([("pipeline_tags", .array([]))]))
let transport = CurlTransport()
let adapter = HuggingFaceAdapter(
    entry: entry, context: AdapterContext(environment: ["HF_TOKEN": "hf_bench"], transport: transport))

print(
    "CatalogBench: \(modelCount) models × \(providersPerModel) providers; simulator set up in \(format(milliseconds(setup)))"
)
// The first run warms the simulator's rendered-page cache and the connection.
let (first, catalog, quotes) = try await measure(adapter)
print(
    "warm-up: list \(format(first.list)), price \(format(first.price)); \(catalog.models.count) offers over "
        + "\(catalog.requests) Hub pages, \(quotes.count) price quotes, skipped \(catalog.skipped)")

var samples: [Sample] = []
for _ in 0..<runs { samples.append(try await measure(adapter).0) }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}
func report(_ name: String, _ values: [Double]) {
    print("\(name): median \(format(median(values))), best \(format(values.min() ?? 0)) over \(values.count) runs")
}
report("listModels (Hub listing, all pages)", samples.map(\.list))
report("getPricing (router catalog)", samples.map(\.price))
report("list + price, one after the other", samples.map(\.sequential))
report("list + price, concurrently", samples.map(\.concurrent))
let target = median(samples.map(\.sequential))
print(target < 1000 ? "OK: under the 1 s target" : "SLOW: over the 1 s target")
