// ComputeBench: the GPU compute-offer figures of issue #21.
//
// 1. Refresh ingest: a gpuhunt-shaped catalog of N compute offers (default 50,000) served by the
//    loopback simulator as a deflated catalog.zip, through CurlTransport, the gpuhunt adapter
//    (inflate, CSV, normalise) and the refresher into a fresh SQLite store — the whole refresh,
//    and the store's replace alone. Then a second refresh of the same version (skipped download).
// 2. Query: typical `broker gpus` filters in-process, p50/p99 over 300 runs each.
//
//   swift run -c release ComputeBench [offers]

import Adapters
import Broker
import Foundation
import ProviderInterface
import ProviderSimulator

let count = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 50_000
let clock = ContinuousClock()
func ms(_ d: Duration) -> Double {
    let (s, a) = d.components
    return Double(s) * 1000 + Double(a) / 1e15
}
func f2(_ x: Double) -> String { String(format: "%.2f", x) }
/// CPU seconds used by the whole process so far: on a loaded, shared machine the steadier figure.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

// A catalog across GPUs, regions and pricing models, priced with float-like decimals.
let gpus: [(String, Int)] = [
    ("H100", 80), ("H100NVL", 94), ("A100", 80), ("A100", 40), ("L40S", 48), ("L4", 24), ("RTX4090", 24), ("H200", 141),
]
let regions = [
    "eu-central-1", "eu-west-1", "eu-central-2", "eu-west-2", "us-east-1", "us-west-2", "ap-northeast-1", "eu-north-1",
]
var csv =
    "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n"
for i in 0..<count {
    let (gpu, memory) = gpus[i % gpus.count]
    let n = [1, 2, 4, 8][(i / 8) % 4]
    let cents = 30 + (i * 7919) % 4000
    csv +=
        "bench-\(i).\(n)x,\(regions[(i / 3) % regions.count]),\(cents / 100).\(cents % 100)37,\(8 * n),\(64 * n).0,\(n),\(gpu),\(memory).0,\(i % 5 == 0 ? "True" : "False"),,nvidia,,x86,\n"
}
var fixtures = SimulatorFixtures.empty
fixtures.compute.gpuhunt = ["bench": GpuhuntCatalogFixture(version: GpuhuntCatalogFixture.version(), csv: csv)]
let simulator = ProviderSimulator(fixtures: fixtures)
try simulator.start()
defer { simulator.stop() }

let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("computebench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }
let locations = [
    "eu-central-1": "DE", "eu-west-1": "IE", "eu-central-2": "CH", "eu-west-2": "GB", "us-east-1": "US",
    "us-west-2": "US", "ap-northeast-1": "JP", "eu-north-1": "SE",
]
let registryPath = dir.appendingPathComponent("provider_registry.json").path
try """
{"providers": [{"key": "gpuhunt-bench", "adapter": "gpuhunt", "base_url": "\(simulator.baseURL)", "timeout": "120s",
  "options": {"provider": "bench", "locations": {\(locations.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", "))}}}]}
""".write(toFile: registryPath, atomically: true, encoding: .utf8)
let registry = try RegistryLoader().load(path: registryPath)
let context = AdapterContext(environment: [:], transport: CurlTransport.shared)
let factory: ProviderFactory = { entry throws(ProviderError) in
    try AdapterFactory.standard.make(entry, context: context)
}
let store = try MarketplaceStore(path: dir.appendingPathComponent("market.sqlite3").path)
let refresher = PricingRefresher(store: store, registry: registry, factory: factory, owner: "pid-\(getpid())-bench")

// Warm the simulator's zip cache: the figures are the broker's.
let adapter = try factory(registry.entries[0])
let catalog = try await adapter.listComputeOffers(ComputeCatalogRequest())
print("catalog: \(catalog.offers.count) offers, skipped \(catalog.skipped)")

// The whole first refresh, as `broker refresh` runs it, into a fresh store each round: the first
// round is the process's first (cold caches); the median of 3 is the steadier figure.
var t0 = clock.now
var wholes: [(wall: Double, cpu: Double, offers: Int)] = []
for round in 0..<3 {
    let fresh = try MarketplaceStore(path: dir.appendingPathComponent("refresh-\(round).sqlite3").path)
    let freshRefresher = PricingRefresher(
        store: fresh, registry: registry, factory: factory, owner: "pid-\(getpid())-bench")
    let cpu0 = processCPUSeconds()
    t0 = clock.now
    let result = await freshRefresher.refresh(registry.entries[0])
    let wall = ms(clock.now - t0)
    let cpu = (processCPUSeconds() - cpu0) * 1000
    guard result.run.status == .ok else { fatalError("refresh failed: \(result.run.error ?? "")") }
    wholes.append((wall, cpu, result.run.offers))
    print(
        "refresh \(round + 1) (download, inflate, parse, store) into an empty store: \(result.run.offers) offers in \(f2(wall)) ms = \(Int(Double(result.run.offers) / wall * 1000)) offers/s; CPU \(f2(cpu)) ms = \(Int(Double(result.run.offers) / cpu * 1000)) offers per CPU-second"
    )
}
let middle = wholes.sorted { $0.wall < $1.wall }[1]
print(
    "whole first refresh, median of 3: \(f2(middle.wall)) ms = \(Int(Double(middle.offers) / middle.wall * 1000)) offers/s"
)
let result = await refresher.refresh(registry.entries[0])
guard result.run.status == .ok else { fatalError("refresh failed: \(result.run.error ?? "")") }

t0 = clock.now
let parsed = try await adapter.listComputeOffers(ComputeCatalogRequest())
let parse = ms(clock.now - t0)
print("  of which download + inflate + CSV + normalise: \(f2(parse)) ms")
/// The median wall time of `rounds` runs, and the median process CPU time of the same runs.
func median(_ rounds: Int, _ body: (Int) async throws -> Double) async throws -> (Double, Double) {
    var times: [Double] = []
    var cpus: [Double] = []
    for round in 0..<rounds {
        let cpu0 = processCPUSeconds()
        times.append(try await body(round))
        cpus.append((processCPUSeconds() - cpu0) * 1000)
    }
    return (times.sorted()[rounds / 2], cpus.sorted()[rounds / 2])
}
func rate(_ label: String, _ figures: (Double, Double), _ n: Double) {
    print(
        "\(label): median \(f2(figures.0)) ms = \(Int(n / figures.0 * 1000)) offers/s; CPU \(f2(figures.1)) ms = \(Int(n / figures.1 * 1000)) offers per CPU-second"
    )
}
let n = Double(parsed.offers.count)
// Into an empty store (a first refresh): a fresh file each round.
let first = try await median(5) { round in
    let fresh = try MarketplaceStore(path: dir.appendingPathComponent("fresh-\(round).sqlite3").path)
    let t = clock.now
    try await fresh.replaceComputeOffers(
        source: "gpuhunt-bench", offers: parsed.offers, version: "v", nowMs: Timestamp.nowMs())
    return ms(clock.now - t)
}
rate("store replace into an empty store (5 rounds)", first, n)
// Every price moved: every row rewritten, a history row each.
let moved = try await median(5) { round in
    let offers = parsed.offers.map { offer -> ComputeOffer in
        var o = offer
        o.pricePerHour = o.pricePerHour.map { $0 + Int64(round + 1) * 10_000_000_000 }
        return o
    }
    let t = clock.now
    try await store.replaceComputeOffers(
        source: "gpuhunt-bench", offers: offers, version: "m\(round)", nowMs: Timestamp.nowMs())
    return ms(clock.now - t)
}
rate("store replace with every price changed (5 rounds)", moved, n)
let same = try await median(5) { round in
    let t = clock.now
    try await store.replaceComputeOffers(
        source: "gpuhunt-bench", offers: parsed.offers, version: "s\(round)", nowMs: Timestamp.nowMs())
    return ms(clock.now - t)
}
rate("store replace with nothing changed (after one that restores the prices)", same, n)
try await store.replaceComputeOffers(
    source: "gpuhunt-bench", offers: parsed.offers, version: catalog.version, nowMs: Timestamp.nowMs())
t0 = clock.now
let unchanged = await refresher.refresh(registry.entries[0])
print("unchanged version (no download): \(unchanged.run.status) in \(f2(ms(clock.now - t0))) ms")

try await store.storeExchangeRates(
    ExchangeRates(date: "2026-07-09", perEuro: ["USD": "1.1435"]), nowMs: Timestamp.nowMs())
let queries: [(String, ComputeQuery)] = [
    (
        "gpus --gpu H100 --region eu --limit 20",
        ComputeQuery(nowMs: Timestamp.nowMs(), gpu: "H100", region: .eu, limit: 20)
    ),
    ("gpus --region eu --limit 20", ComputeQuery(nowMs: Timestamp.nowMs(), region: .eu, limit: 20)),
    (
        "gpus --gpu L4 --max-hourly 2 --currency EUR --limit 20",
        ComputeQuery(nowMs: Timestamp.nowMs(), gpu: "L4", maxHourly: 2_000_000_000_000, currency: "EUR", limit: 20)
    ),
    ("gpus --sort price-per-gpu --limit 20", ComputeQuery(nowMs: Timestamp.nowMs(), sort: .pricePerGPU, limit: 20)),
]
for (name, query) in queries {
    var times: [Double] = []
    var rows = 0
    for _ in 0..<300 {
        t0 = clock.now
        rows = try await store.queryComputeOffers(query).count
        times.append(ms(clock.now - t0))
    }
    times.sort()
    print("query \(name): \(rows) rows, p50 \(f2(times[150])) ms, p99 \(f2(times[296])) ms")
}
