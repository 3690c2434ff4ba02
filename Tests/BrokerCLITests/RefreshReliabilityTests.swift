import Broker
import Foundation
import ProviderInterface
import ProviderSimulator
import Testing

@Suite("refresh reliability", .serialized)
struct RefreshReliabilityTests {
    static func catalog(_ n: Int, price: String) -> CompatibleProvider {
        CompatibleProvider(
            listShape: .bareArray,
            models: (0..<n).map { i in
                CompatibleModel(
                    id: "org/model-\(i)",
                    extra: [
                        ("type", "chat"), ("context_length", 8192),
                        ("pricing", ["input": .number(price), "output": .number(price)]),
                    ])
            })
    }

    func market(models: Int, price: String) async throws -> SimulatedMarket {
        var fixtures = SimulatorFixtures()
        fixtures.compatibleProviders["together"] = Self.catalog(models, price: price)
        return try SimulatedMarket(fixtures: fixtures)
    }

    /// Starts `broker args…` in `market`'s environment; its stderr is the child's `errors`.
    func start(_ market: SimulatedMarket, _ args: [String]) throws -> ChildProcess {
        try ChildProcess(
            BrokerProcess.executable.path, args,
            environment: market.environment.merging(["PATH": "/usr/bin:/bin", "HOME": market.dir.path]) { a, _ in a },
            output: .null)
    }

    /// What a running `refresh --every` wrote to stderr, up to a line containing `marker` (or
    /// until it closed, or `seconds` passed), read on a thread of its own.
    static func read(_ handle: FileHandle, until marker: String, seconds: Double) async throws -> String {
        try await onOwnThread {
            let deadline = Date().addingTimeInterval(seconds)
            var text = ""
            while Date() < deadline, !text.contains(marker) {
                let data = handle.readSomeRetryingInterrupts()
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            return text
        }
    }

    /// Opens the store after a kill: it must pass integrity_check and hold one whole catalog.
    func checkStore(_ market: SimulatedMarket, models: Int) async throws -> Set<Int64> {
        let db = try SQLiteConnection(path: market.store.path)
        let integrity = try db.rows("PRAGMA integrity_check") { $0.text(0) }
        #expect(integrity == ["ok"])
        let store = try MarketplaceStore(path: market.store.path)
        let offers = try await store.queryOffers(
            MarketQuery(nowMs: Timestamp.nowMs(), providers: ["acme"], includeStale: true))
        #expect(offers.count == models)
        return Set(offers.compactMap { $0.price.input.amount?.value })
    }

    @Test("SIGKILL at any moment of a refresh leaves the old or the new offers, never a mix")
    func killMidRefresh() async throws {
        let models = 20_000
        let market = try await market(models: models, price: "0.1")
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "acme"]).code == 0)
        market.simulator.updateFixtures { $0.compatibleProviders["together"] = Self.catalog(models, price: "0.2") }
        var sawOld = false
        var sawNew = false
        for round in 0..<12 {
            // Stretch the download so kills land before, during and after the write.
            market.simulator.inject(.slowDrip(chunkDelayMs: 1), pathPrefix: "/together/v1/models", count: 1)
            let process = try start(market, ["refresh", "--provider", "acme"])
            try await Task.sleep(for: .milliseconds(50 + round * 60))
            process.send(SIGKILL)
            try await onOwnThread { process.wait() }
            let prices = try await checkStore(market, models: models)
            #expect(prices.count == 1, "round \(round): a mix of prices \(prices)")
            if prices == [100_000] { sawOld = true }
            if prices == [200_000] { sawNew = true }
            if sawNew { break }
        }
        #expect(sawOld)
        market.simulator.clearFaults()
        #expect(try await market.broker(["refresh", "--provider", "acme"]).code == 0)
        #expect(try await checkStore(market, models: models) == [200_000])
    }

    @Test("two refreshes at once neither corrupt nor double anything, and market answers meanwhile")
    func concurrentRefreshes() async throws {
        let models = 5_000
        let market = try await market(models: models, price: "0.3")
        defer { market.stop() }
        market.simulator.inject(.slowDrip(chunkDelayMs: 1), pathPrefix: "/together/v1/models", count: 2)
        let first = try start(market, ["refresh", "--provider", "acme"])
        let second = try start(market, ["refresh", "--provider", "acme"])
        let query = try await market.broker(["market", "--format", "json", "--limit", "1"])
        #expect(query.code == 0)
        let (firstText, secondText) = try await onOwnThread {
            (
                String(decoding: first.errors?.readAllRetryingInterrupts() ?? Data(), as: UTF8.self),
                String(decoding: second.errors?.readAllRetryingInterrupts() ?? Data(), as: UTF8.self)
            )
        }
        #expect(first.wait() == .exit(0), "\(firstText)")
        #expect(second.wait() == .exit(0), "\(secondText)")
        #expect(try await checkStore(market, models: models) == [300_000])
    }

    @Test("--every refreshes on its interval and stops cleanly on SIGTERM")
    func everyStopsOnSignal() async throws {
        let market = try await market(models: 3, price: "0.1")
        defer { market.stop() }
        let process = try start(market, ["refresh", "--provider", "acme", "--every", "1s"])
        let handle = try #require(process.errors)
        var text = try await Self.read(handle, until: "refresh round 2", seconds: 15)
        #expect(text.contains("refresh round 1: 1 ok; offers 3 new, 0 changed, 0 gone"), "\(text)")
        // The second round finds the same catalog and writes nothing.
        #expect(text.contains("refresh round 2: 1 ok; offers 0 new, 0 changed, 0 gone"), "\(text)")
        #expect(text.contains("refresh round 2"))
        process.send(SIGTERM)
        text += try await onOwnThread { String(decoding: handle.readAllRetryingInterrupts(), as: UTF8.self) }
        #expect(process.wait() == .exit(0))
        #expect(text.contains("refresh: stopped"))
    }
    @Test("--every refreshes a provider whose refresh_every is shorter on its own interval, the others on the loop's")
    func everyHonoursEntryIntervals() async throws {
        let market = try await market(models: 2, price: "0.1")
        defer { market.stop() }
        // acme asks for every second; hf keeps the default hour, so the 30 s loop decides for it.
        let registry = market.simulator.testRegistryJSON()
            .replacingOccurrences(
                of: #""auth_env": "ACME_KEY","#, with: #""auth_env": "ACME_KEY", "refresh_every": "1s","#)
        try registry.write(to: market.registry, atomically: true, encoding: .utf8)
        let process = try start(market, ["refresh", "--provider", "acme", "--provider", "hf", "--every", "30s"])
        let handle = try #require(process.errors)
        var text = try await Self.read(handle, until: "refresh round 3", seconds: 20)
        process.send(SIGTERM)
        text += try await onOwnThread { String(decoding: handle.readAllRetryingInterrupts(), as: UTF8.self) }
        #expect(process.wait() == .exit(0), "\(text)")
        #expect(text.contains("refresh round 1: 2 ok"), "\(text)")
        #expect(text.contains("refresh round 2: 1 ok"), "\(text)")
        #expect(text.contains("refresh round 3: 1 ok"), "\(text)")
        let db = try SQLiteConnection(path: market.store.path)
        let runs = try db.rows("SELECT provider, COUNT(*) FROM refresh_runs GROUP BY provider ORDER BY provider") {
            ($0.text(0), Int($0.int64(1)))
        }
        let byProvider = Dictionary(runs, uniquingKeysWith: +)
        #expect((byProvider["acme"] ?? 0) >= 3, "\(runs)")
        #expect(byProvider["hf"] == 1, "\(runs)")
    }
}
