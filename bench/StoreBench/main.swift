// StoreBench: ingest rate, market query latency and file size of a 100,000-offer store.
//
//     swift run -c release --scratch-path .build-store StoreBench [offers] [--fresh-only | --ingest-only]
//
// Rates are given against wall time and against the process's CPU time: on a shared
// machine the second is the steadier figure.
import Broker
import ProviderInterface

#if canImport(Glibc)
    import Glibc
#endif

/// A small deterministic generator (SplitMix64), so every run builds the same store.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let totalOffers = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000

// Provider → (share of offers, serving endpoints with their regions).
let providers: [(key: String, share: Int, servedBy: [(String, RegionRecord)])] = [
    (
        "huggingface", 40,
        [
            ("scaleway", RegionRecord(region: .eu, countries: ["FR"])),
            ("ovhcloud", RegionRecord(region: .eu, countries: ["FR"])),
            ("nebius", RegionRecord(region: .eu, countries: ["FI"])), ("together", RegionRecord(region: .us)),
            ("fireworks-ai", RegionRecord(region: .us)), ("hf-inference", RegionRecord(region: .us)),
            ("novita", RegionRecord(region: .unknown)), ("sambanova", RegionRecord(region: .us)),
            ("cerebras", RegionRecord(region: .us)), ("nscale", RegionRecord(region: .uk, countries: ["GB"])),
            ("featherless-ai", RegionRecord(region: .unknown)), ("groq", RegionRecord(region: .global)),
        ]
    ),
    (
        "openrouter", 20,
        [
            ("openrouter", RegionRecord(region: .global)), ("mistral", RegionRecord(region: .eu, countries: ["FR"])),
            ("deepinfra", RegionRecord(region: .us)), ("lambda", RegionRecord(region: .us)),
            ("parasail", RegionRecord(region: .unknown)),
        ]
    ),
    ("together", 8, [("together", RegionRecord(region: .us, declared: [.zdr]))]),
    ("deepinfra", 8, [("deepinfra", RegionRecord(region: .us))]),
    ("novita", 6, [("novita", RegionRecord(region: .unknown))]),
    ("fireworks", 6, [("fireworks", RegionRecord(region: .us))]),
    ("scaleway", 4, [("scaleway", RegionRecord(region: .eu, countries: ["FR"]))]),
    ("groq", 4, [("groq", RegionRecord(region: .global))]),
    ("local", 4, [("local", RegionRecord(region: .local))]),
]
let tasks: [(ModelTask, Int)] = [
    (.conversational, 45), (.textGeneration, 15), (.featureExtraction, 10), (.textToImage, 8),
    (.textClassification, 5), (.automaticSpeechRecognition, 3), (.summarization, 3), (.translation, 3),
    (.sentenceSimilarity, 3), (.tokenClassification, 2), (.fillMask, 2), (.zeroShotClassification, 1),
]

func pick<T>(_ weighted: [(T, Int)], _ rng: inout SplitMix) -> T {
    var roll = Int.random(in: 0..<weighted.reduce(0) { $0 + $1.1 }, using: &rng)
    for (value, weight) in weighted {
        if roll < weight { return value }
        roll -= weight
    }
    return weighted[0].0
}

func makeOffers(provider: (key: String, share: Int, servedBy: [(String, RegionRecord)]), count: Int, seed: UInt64)
    -> [Offer]
{
    var rng = SplitMix(state: seed)
    var offers: [Offer] = []
    offers.reserveCapacity(count)
    for i in 0..<count {
        let (servedBy, record) = provider.servedBy[i % provider.servedBy.count]
        let task = pick(tasks, &rng)
        let size = [1, 3, 7, 8, 13, 32, 70, 405][Int.random(in: 0..<8, using: &rng)]
        let hfID = "org\(i % 700)/model-\(i / provider.servedBy.count)-\(size)B-Instruct"
        let model = provider.key == "huggingface" ? hfID : "\(provider.key)/\(hfID.lowercased())"
        var price: OfferPrice
        let roll = Int.random(in: 0..<100, using: &rng)
        if task == .textToImage {
            price = OfferPrice(
                billing: .image, unit: .amount(PicoUSD(Int64.random(in: 1...80, using: &rng) * 1_000_000_000)))
        } else if roll < 10 {
            price = .unknown
        } else if roll < 13 || provider.key == "local" {
            price = .free
        } else {
            // $0.01 to $15 per million tokens, in pico-USD per token.
            let input = Int64.random(in: 10_000...15_000_000, using: &rng)
            price = OfferPrice(
                input: .amount(PicoUSD(input)), output: .amount(PicoUSD(input * Int64.random(in: 1...4, using: &rng))))
        }
        var offer = Offer(
            provider: provider.key, servedBy: servedBy, model: model, hfID: roll % 3 == 0 ? nil : hfID, task: task,
            price: price, contextLength: roll < 20 ? nil : [4096, 8192, 32_768, 131_072][roll % 4],
            supportsTools: roll % 2 == 0 ? true : nil)
        offer.apply(record)
        offers.append(offer)
    }
    return offers
}

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// `value` with `digits` decimals, without Foundation's formatter.
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    guard digits > 0 else { return String(scaled) }
    let whole = scaled / Int64(scale)
    var fraction = String(scaled % Int64(scale))
    while fraction.count < digits { fraction = "0" + fraction }
    return "\(whole).\(fraction)"
}

/// CPU seconds used by the whole process so far: on a shared, loaded machine this is a
/// steadier figure than wall time.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func fileSize(_ path: String) -> Int64 {
    var info = stat()
    return stat(path, &info) == 0 ? Int64(info.st_size) : 0
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

let clock = ContinuousClock()
let shareTotal = providers.reduce(0) { $0 + $1.share }
var catalogs: [(String, [Offer])] = providers.enumerated().map { index, provider in
    (
        provider.key,
        makeOffers(provider: provider, count: totalOffers * provider.share / shareTotal, seed: UInt64(index + 1))
    )
}
let offerTotal = catalogs.reduce(0) { $0 + $1.1.count }

let directory = "/tmp/storebench-\(getpid())"
let path = directory + "/market.sqlite3"
func removeStore() {
    for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    rmdir(directory)
}
defer { removeStore() }
do {
    let store = try MarketplaceStore(path: path)
    // For trying a schema change without a migration: extra SQL run before the ingest.
    if let extra = getenv("STOREBENCH_EXTRA_SQL") {
        let raw = try SQLiteConnection(path: path)
        try raw.execute(String(cString: extra))
    }
    let now: Int64 = 1_750_000_000_000

    // 1. First ingest: every offer is new, so every one also writes a price_history row.
    let cpu0 = processCPUSeconds()
    let fresh = try await clock.measure {
        for (key, offers) in catalogs { try await store.replaceOffers(provider: key, offers: offers, nowMs: now) }
    }
    if CommandLine.arguments.contains("--fresh-only") {
        print(
            "fresh: CPU \(fixed((processCPUSeconds() - cpu0) * 1000, 0)) ms, wall \(fixed(milliseconds(fresh), 0)) ms")
        removeStore()
        exit(0)
    }
    // 2. Refresh over the existing store with 5% of token prices changed.
    var rng = SplitMix(state: 99)
    for c in catalogs.indices {
        for o in catalogs[c].1.indices where Int.random(in: 0..<20, using: &rng) == 0 {
            if let input = catalogs[c].1[o].price.input.amount {
                catalogs[c].1[o].price.input = .amount(PicoUSD(input.value + 1_000))
            }
        }
    }
    let cpu1 = processCPUSeconds()
    var changes = 0
    let again = try await clock.measure {
        for (key, offers) in catalogs {
            changes += try await store.replaceOffers(provider: key, offers: offers, nowMs: now + 60_000).priceChanges
        }
    }
    let cpu2 = processCPUSeconds()
    print("offers: \(offerTotal) across \(catalogs.count) providers")
    print(
        "replaceOffers, new store:     \(fixed(milliseconds(fresh), 0)) ms  \(fixed(Double(offerTotal) / milliseconds(fresh) * 1000, 0)) offers/s; CPU \(fixed((cpu1 - cpu0) * 1000, 0)) ms = \(fixed(Double(offerTotal) / (cpu1 - cpu0), 0)) offers per CPU-second"
    )
    print(
        "replaceOffers, over existing: \(fixed(milliseconds(again), 0)) ms  \(fixed(Double(offerTotal) / milliseconds(again) * 1000, 0)) offers/s  (\(changes) price changes); CPU \(fixed((cpu2 - cpu1) * 1000, 0)) ms = \(fixed(Double(offerTotal) / (cpu2 - cpu1), 0)) offers per CPU-second"
    )

    try await store.checkpoint()
    let bytes = fileSize(path)
    print(
        "store file: \(fixed(Double(bytes) / 1_048_576, 1)) MiB, \(fixed(Double(bytes) / 1_048_576 * 100_000 / Double(offerTotal), 1)) MiB per 100,000 offers (indexes and price history included)"
    )

    if CommandLine.arguments.contains("--ingest-only") {
        removeStore()
        exit(0)
    }

    // 3. Market queries.
    let queries: [(String, MarketQuery)] = [
        (
            "task=text-generation region=eu sort=price limit 20",
            MarketQuery(nowMs: now + 120_000, task: .textGeneration, region: .eu, sort: .price, limit: 20)
        ),
        (
            "task=conversational compliance=gdpr sort=price limit 20",
            MarketQuery(nowMs: now + 120_000, task: .conversational, compliance: .gdpr, sort: .price, limit: 20)
        ),
        ("sort=price limit 20 (no filter)", MarketQuery(nowMs: now + 120_000, sort: .price, limit: 20)),
        (
            "exact model id, as run --model asks",
            MarketQuery(nowMs: now + 120_000, modelID: catalogs[0].1[1234].model, sort: .price)
        ),
        (
            "model substring \"MODEL-123\" limit 20",
            MarketQuery(nowMs: now + 120_000, modelText: "MODEL-123", limit: 20)
        ),
    ]
    for (name, query) in queries {
        var samples: [Double] = []
        var count = 0
        for run in 0..<220 {
            var result: [Offer] = []
            let elapsed = try await clock.measure { result = try await store.queryOffers(query) }
            if run >= 20 { samples.append(milliseconds(elapsed)) }
            count = result.count
        }
        samples.sort()
        print(
            "query \(name): p50 \(fixed(percentile(samples, 0.5), 3)) ms, p99 \(fixed(percentile(samples, 0.99), 3)) ms (\(count) rows)"
        )
        for line in try await store.queryPlan(query) { print("    plan: \(line)") }
    }
} catch {
    print("StoreBench failed: \(error)")
    removeStore()
    exit(1)
}
