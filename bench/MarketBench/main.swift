// MarketBench: the marketplace figures of issue #5, end to end.
//
// 1. Refresh ingest: a simulated Hugging Face catalog of ~100,000 offers (33,334 models × 3
//    providers) from the loopback simulator, through CurlTransport and the real adapter, into a
//    fresh SQLite store — split into list, price, assemble and write, then a whole refresh.
//    With $BROKER_TEST_POSTGRES (`scripts/postgres-test-cluster.sh start --durable`), the same
//    writes and whole refreshes into PostgreSQL stores, side by side.
// 2. Store size per 100,000 offers.
// 3. Query: `market --task … --region eu --sort price --limit 20` in-process (p50/p99 over 200
//    runs) and as a whole cold `broker` process (median over 30 runs; needs a release build of
//    `broker` next to this binary).
//
//   swift build -c release --product broker --static-swift-stdlib && swift run -c release MarketBench [models]
//   (MARKETBENCH_REFRESH_ONLY=1: the refresh figures only, of SQLite and PostgreSQL)

import Adapters
import Broker
import Foundation
import ProviderInterface
import ProviderSimulator

let models = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 33_334
let clock = ContinuousClock()
func ms(_ d: Duration) -> Double {
    let (s, a) = d.components
    return Double(s) * 1000 + Double(a) / 1e15
}
func f1(_ x: Double) -> String { String(format: "%.1f", x) }
func f2(_ x: Double) -> String { String(format: "%.2f", x) }

let simulator = ProviderSimulator(fixtures: .generated(models: models, providersPerModel: 3))
try simulator.start()
defer { simulator.stop() }

let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("marketbench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
let storePath = dir.appendingPathComponent("market.sqlite3").path
let registryPath = dir.appendingPathComponent("provider_registry.json").path
let servedBy = [
    "together": "unknown", "scaleway": "eu", "ovhcloud": "eu", "nscale": "uk", "groq": "unknown", "novita": "unknown",
    "fireworks-ai": "unknown", "cerebras": "unknown", "deepinfra": "unknown", "featherless-ai": "unknown",
    "baseten": "unknown", "cohere": "unknown", "publicai": "unknown", "zai-org": "unknown",
]
let servedJSON = servedBy.map { "\"\($0.key)\": {\"region\": \"\($0.value)\"}" }.joined(separator: ", ")
try """
{"providers": [{"key": "huggingface", "adapter": "huggingface", "base_url": "\(simulator.baseURL)",
  "urls": {"hub": "\(simulator.baseURL)"}, "auth_env": "HF_TOKEN", "timeout": "120s",
  "served_by": {\(servedJSON)}}]}
""".write(toFile: registryPath, atomically: true, encoding: .utf8)

let loader = RegistryLoader(validateAdapter: { entry in
    AdapterFactory.standard.validate(entry).map { RegistryIssue(path: $0.path, message: $0.message) }
})
let registry = try loader.load(path: registryPath)
let entry = registry.entries[0]
let provider = try AdapterFactory.standard.make(
    entry, context: AdapterContext(environment: ["HF_TOKEN": "hf_bench"], transport: CurlTransport.shared))
let store = try MarketplaceStore(path: storePath)

// Warm the simulator's body cache so we measure the broker, not fixture rendering.
_ = try await provider.listModels()
_ = try await provider.getPricing()

var catalog = ModelCatalog(models: [])
var quotes: [PriceQuote] = []
var offers: [Offer] = []
let list = try await clock.measure { catalog = try await provider.listModels() }
let price = try await clock.measure { quotes = try await provider.getPricing() }
let assemble = clock.measure {
    offers = OfferAssembler.offers(entry: entry, catalog: catalog, quotes: quotes, nowMs: Timestamp.nowMs())
}
let split = ms(list) + ms(price) + ms(assemble)
print("offers: \(offers.count) (\(catalog.models.count) listings, \(quotes.count) quotes, skipped \(catalog.skipped))")
print("split:  list \(f1(ms(list))) ms · price \(f1(ms(price))) ms · assemble \(f1(ms(assemble))) ms")

/// The write and whole-refresh figures on one kind of store: `main` starts empty and is
/// refreshed again and again; `fresh(run)` opens another empty store of the same kind.
@MainActor
func refreshFigures(_ kind: String, main: any MarketStore, fresh: (String) throws -> any MarketStore) async throws {
    sync()
    let write = try await clock.measure {
        _ = try await main.replaceOffers(provider: entry.key, offers: offers, nowMs: Timestamp.nowMs())
    }
    print("[\(kind)] write into an empty store \(f1(ms(write))) ms")
    print(
        "[\(kind)] first ingest (parse + write, sequential phases): \(Int(Double(offers.count) / ((split + ms(write)) / 1000))) offers/s"
    )
    // The write of a later refresh: nothing changed, then 5% of the prices changed.
    let unchangedWrite = try await clock.measure {
        _ = try await main.replaceOffers(provider: entry.key, offers: offers, nowMs: Timestamp.nowMs())
    }
    var moved = offers
    for i in stride(from: 0, to: moved.count, by: 20) {
        if let input = moved[i].price.input.amount { moved[i].price.input = .amount(PicoUSD(input.value + 1_000)) }
    }
    var changedOutcome: ReplaceOutcome?
    let changedWrite = try await clock.measure {
        changedOutcome = try await main.replaceOffers(provider: entry.key, offers: moved, nowMs: Timestamp.nowMs())
    }
    print(
        "[\(kind)] write of a later refresh: nothing changed \(f1(ms(unchangedWrite))) ms · \(changedOutcome?.rewritten ?? 0) offers changed \(f1(ms(changedWrite))) ms"
    )
    let factory: ProviderFactory = { e throws(ProviderError) in
        try AdapterFactory.standard.make(
            e, context: AdapterContext(environment: ["HF_TOKEN": "x"], transport: CurlTransport.shared))
    }
    // A whole first refresh into an empty store, as `broker refresh` does it: list ∥ price,
    // assemble, write, record. Median of three, each into a new store.
    var firstRuns: [Double] = []
    for run in 0..<3 {
        let firstRefresher = PricingRefresher(
            store: try fresh("first-\(run)"), registry: registry, factory: factory, force: true,
            owner: "pid-\(getpid())-bench")
        // Each run starts with the earlier runs' writes flushed: their write-back would
        // otherwise throttle this run's commit, which a real first refresh never meets.
        sync()
        let d = await clock.measure { _ = await firstRefresher.refreshOnce() }
        firstRuns.append(ms(d))
    }
    let first = firstRuns.sorted()[1]
    print(
        "[\(kind)] whole first refresh into an empty store: median \(f1(first)) ms → \(Int(Double(offers.count) / (first / 1000))) offers/s (runs: \(firstRuns.map(f1).joined(separator: ", ")) ms)"
    )
    let refresher = PricingRefresher(
        store: main, registry: registry, factory: factory, force: true, owner: "pid-\(getpid())-bench")
    var wholeRuns: [Double] = []
    for _ in 0..<3 {
        sync()
        let d = await clock.measure { _ = await refresher.refreshOnce() }
        wholeRuns.append(ms(d))
    }
    let whole = wholeRuns.sorted()[1]
    print(
        "[\(kind)] whole refresh over the existing store (list ∥ price where the adapter allows, assemble, compare and write what changed, record): median \(f1(whole)) ms → \(Int(Double(offers.count) / (whole / 1000))) offers/s (runs: \(wholeRuns.map(f1).joined(separator: ", ")) ms)"
    )
}

try await refreshFigures("sqlite", main: store) { name in
    try MarketplaceStore(path: dir.appendingPathComponent("\(name).sqlite3").path)
}
// The same on PostgreSQL, side by side, when a cluster is named ($BROKER_TEST_POSTGRES, as
// `scripts/postgres-test-cluster.sh start --durable` sets it): each store a schema of its own.
if ProcessInfo.processInfo.environment["BROKER_TEST_POSTGRES"] != nil {
    var schemas: [PostgresTestSchema] = []
    let open = { () throws -> any MarketStore in
        let schema = try PostgresTestSchema(prefix: "marketbench_")
        schemas.append(schema)
        return try PostgresMarketStore(uri: schema.uri)
    }
    try await refreshFigures("postgresql", main: try open()) { _ in try open() }
    schemas.removeAll()
} else {
    print("[postgresql] skipped (start a cluster: eval \"$(scripts/postgres-test-cluster.sh start --durable)\")")
}
// MARKETBENCH_REFRESH_ONLY=1 stops here (the refresh figures of both stores).
if ProcessInfo.processInfo.environment["MARKETBENCH_REFRESH_ONLY"] != nil {
    try? FileManager.default.removeItem(at: dir)
    exit(0)
}

try await store.checkpoint()
let size = (try FileManager.default.attributesOfItem(atPath: storePath)[.size] as? NSNumber)?.intValue ?? 0
print(
    "store size: \(f1(Double(size) / 1_048_576)) MiB for \(offers.count) offers → \(f1(Double(size) / 1_048_576 * 100_000 / Double(max(offers.count, 1)))) MiB per 100,000 offers"
)

for task in ["conversational", "text-generation"] {
    var samples: [Double] = []
    var matched = 0
    for _ in 0..<200 {
        var q = MarketQuery(nowMs: Timestamp.nowMs(), task: ModelTask(task), region: .eu, sort: .price, limit: 20)
        q.refreshIntervalsMs = ["huggingface": 3_600_000]
        let d = try await clock.measure { matched = try await store.queryOffers(q).count }
        samples.append(ms(d))
    }
    samples.sort()
    print(
        "query in-process (--task \(task) --region eu --sort price --limit 20 → \(matched) rows): p50 \(f2(samples[100])) ms · p99 \(f2(samples[198])) ms"
    )
}

let brokerPath =
    ProcessInfo.processInfo.environment["BROKER_BIN"]
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("broker").path
if FileManager.default.isExecutableFile(atPath: brokerPath) {
    for task in ["conversational", "text-generation"] {
        var samples: [Double] = []
        for _ in 0..<30 {
            let args = [
                "market", "--task", task, "--region", "eu", "--sort", "price", "--limit", "20", "--format", "json",
                "--registry", registryPath, "--store", storePath,
            ]
            let d = clock.measure { _ = spawnAndWait(brokerPath, args, env: ["PATH": "/usr/bin:/bin"]) }
            samples.append(ms(d))
        }
        samples.sort()
        print(
            "query as a whole broker process (--task \(task)): median \(f1(samples[15])) ms · p90 \(f1(samples[27])) ms"
        )
    }
    // `broker refresh` as a whole process, into an empty store and then over it: what a
    // user runs, start-up and exit included.
    var firstProcess: [Double] = []
    var againProcess: [Double] = []
    for run in 0..<3 {
        let path = dir.appendingPathComponent("process-\(run).sqlite3").path
        let args = ["refresh", "--force", "--format", "json", "--registry", registryPath, "--store", path]
        let env = ["PATH": "/usr/bin:/bin", "HF_TOKEN": "hf_bench"]
        sync()
        var code: Int32 = -1
        firstProcess.append(ms(clock.measure { code = spawnAndWait(brokerPath, args, env: env) }))
        sync()
        againProcess.append(ms(clock.measure { code = max(code, spawnAndWait(brokerPath, args, env: env)) }))
        if code != 0 { print("broker refresh exited \(code)") }
    }
    let firstP = firstProcess.sorted()[1]
    let againP = againProcess.sorted()[1]
    print(
        "broker refresh as a whole process: into an empty store median \(f1(firstP)) ms → \(Int(Double(offers.count) / (firstP / 1000))) offers/s (runs: \(firstProcess.map(f1).joined(separator: ", "))); over it median \(f1(againP)) ms → \(Int(Double(offers.count) / (againP / 1000))) offers/s (runs: \(againProcess.map(f1).joined(separator: ", ")))"
    )
} else {
    print("(build broker in release mode for the whole-process figure: swift build -c release --product broker)")
}
// MARKETBENCH_KEEP=1 keeps the stores (to study them with the sqlite3 shell).
if ProcessInfo.processInfo.environment["MARKETBENCH_KEEP"] == nil {
    try? FileManager.default.removeItem(at: dir)
} else {
    print("stores kept in \(dir.path)")
}
