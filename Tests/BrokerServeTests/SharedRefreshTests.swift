import Adapters
import Broker
import Foundation
import ProviderSimulator
import Testing

/// Several `broker serve` instances on one store share the background refresh: each provider's
/// catalog is fetched once per interval across them, and a refresh one commits is served by
/// the others within 5 s.
@Suite("Instances sharing the refresh")
struct SharedRefreshTests {
    /// The stores these tests run on: a SQLite file both processes open, and (with
    /// `BROKER_TEST_POSTGRES`, or under CI) a PostgreSQL schema of their own.
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgresql
        static var all: [Backend] {
            let environment = ProcessInfo.processInfo.environment
            return environment["BROKER_TEST_POSTGRES"] != nil || environment["CI"] == "true"
                ? [.sqlite, .postgresql] : [.sqlite]
        }
        var testDescription: String { rawValue }
    }

    /// A workspace whose store is `backend`'s (the PostgreSQL schema goes with the value).
    final class Workspace: Sendable {
        let base: ServeProcessWorkspace
        let schema: PostgresTestSchema?
        let environment: [String: String]

        init(_ backend: Backend) throws {
            base = try ServeProcessWorkspace("shared-refresh")
            var environment = base.environment
            if backend == .postgresql {
                let schema = try PostgresTestSchema(prefix: "refresh_")
                environment["BROKER_STORE"] = schema.uri
                self.schema = schema
                #expect(try BrokerServeProcess.run(["refresh"], environment: environment) == 0)
            } else {
                schema = nil
                #expect(try BrokerServeProcess.run(["refresh", "--provider", "acme"], environment: environment) == 0)
            }
            self.environment = environment
        }

        var simulator: ProviderSimulator { base.simulator }

        /// The catalog requests the simulator received, by provider of the test registry.
        func catalogRequests() -> (hf: Int, acme: Int) {
            let requests = simulator.requests.filter { $0.method == "GET" }
            return (
                requests.filter { $0.path == "/v1/models" }.count,
                requests.filter { $0.path == "/together/v1/models" }.count
            )
        }

        func serve(_ flags: [String]) async throws -> BrokerServeProcess {
            let environment = environment
            return try await onOwnThread { try BrokerServeProcess(flags, environment: environment) }
        }
    }

    /// Every host of Llama 3.1 8B asks 2.5 USD per million tokens, in and out, from now on.
    static func raisePrices(_ simulator: ProviderSimulator) {
        simulator.updateFixtures { fixtures in
            for i in fixtures.routerModels.indices where fixtures.routerModels[i].id == ServeHarness.llama8B {
                for j in fixtures.routerModels[i].providers.indices {
                    fixtures.routerModels[i].providers[j].inputPrice = "2.5"
                    fixtures.routerModels[i].providers[j].outputPrice = "2.5"
                }
            }
        }
    }

    @Test(
        "two broker serve processes refreshing every second fetch each provider's catalog about once a second between them, not twice",
        arguments: Backend.all)
    func oneRefreshPerInterval(_ backend: Backend) async throws {
        let workspace = try await onOwnThread { try Workspace(backend) }
        let flags = ["--refresh-every", "1s", "--no-initial-refresh"]
        let first = try await workspace.serve(flags)
        // Started half an interval apart: each instance's timer would fetch on its own.
        try await Task.sleep(for: .milliseconds(500))
        let second = try await workspace.serve(flags)
        try await Task.sleep(for: .milliseconds(1_200))
        workspace.simulator.clearRequests()
        let clock = ContinuousClock()
        let windowStart = clock.now
        try await Task.sleep(for: .seconds(6))
        let counts = workspace.catalogRequests()
        // The window as it was (a loaded machine wakes this task late), in whole seconds.
        let window = Int((clock.now - windowStart).components.seconds)
        let health = try await CurlTransport.shared.send(HTTPRequest(url: second.baseURL + "/health")).text
        for process in [first, second] {
            let (code, errors) = try await onOwnThread { process.terminate() }
            #expect(code == 0, "\(errors)")
        }
        // One fetch per interval across both (one more where a round straddles each of the
        // window's edges; fewer on a loaded machine); each on its own would make twice the window.
        for (provider, count) in [("hf", counts.hf), ("acme", counts.acme)] {
            #expect(
                2...(window + 2) ~= count, "\(provider): \(count) catalog fetches in \(window) s; \(health)")
        }
    }

    @Test(
        "a refresh committed by one broker serve process is served by another that does not refresh within 5 s of the commit",
        arguments: Backend.all)
    func refreshReachesOtherInstance(_ backend: Backend) async throws {
        let workspace = try await onOwnThread { try Workspace(backend) }
        let refresher = try await workspace.serve(["--refresh-every", "1s", "--no-initial-refresh"])
        let server = try await workspace.serve(["--refresh-every", "off", "--no-initial-refresh"])
        let chat = Array(try JSONSerialization.data(withJSONObject: ServeHarness.chat("l8")))
        let send = { () async throws -> String? in
            let answer = try await CurlTransport.shared.send(
                HTTPRequest(
                    method: "POST", url: server.baseURL + "/v1/chat/completions",
                    headers: [HTTPHeader("Content-Type", "application/json")], body: chat))
            #expect(answer.status == 200, "\(answer.text)")
            return answer.header("x-broker-cost-nano-usd")
        }
        let before = try #require(try await send())
        // Every host of the model now asks 2.5 USD per million tokens; the refreshing process picks it up.
        let raisedAt = Timestamp.nowMs()
        Self.raisePrices(workspace.simulator)
        let store = try StoreLocation.open(try #require(workspace.environment["BROKER_STORE"]))
        // Requests until the other process answers at the new price (or 20 s).
        let clock = ContinuousClock()
        let start = clock.now
        var after = before
        while after == before, clock.now - start < .seconds(20) {
            try await Task.sleep(for: .milliseconds(100))
            after = try await send() ?? before
        }
        // Judged by the store's clock, not this (possibly starved) test task's: the commit is the
        // price change's time in the history (taken just before the write), each answer's time
        // its ledger row's. Every request that came 5 s or more after the commit (at least the
        // one sent then) was answered at the new price.
        let commit = try #require(
            try await store.priceHistory(model: ServeHarness.llama8B, provider: "hf").filter {
                $0.at >= raisedAt && $0.oldInput != nil
            }.map(\.at).min())
        while Timestamp.nowMs() < commit + 5_000 { try await Task.sleep(for: .milliseconds(100)) }
        let last = try await send()
        for process in [refresher, server] { _ = try await onOwnThread { process.terminate() } }
        #expect(after != before && last == after, "still \(before) nano-USD 20 s after the prices changed")
        let answers = try await store.requestAttempts(sinceMs: raisedAt).filter(\.isOK)
        let oldCost = try #require(try await store.requestAttempts(sinceMs: 0).first(where: \.isOK)?.costPicoUSD)
        let late = answers.filter { $0.at >= commit + 5_000 }
        #expect(
            !late.isEmpty && late.allSatisfy { $0.costPicoUSD != oldCost },
            "\(late.map { ($0.at - commit, $0.costPicoUSD) })")
    }

    @Test(
        "an instance whose market views would be kept ten minutes drops them when another instance's refresh commits, and routes at the new price within 5 s",
        arguments: Backend.all)
    func committedRefreshDropsCachedViews(_ backend: Backend) async throws {
        let schema = backend == .postgresql ? try PostgresTestSchema(prefix: "serve_") : nil
        let first = try await ServeHarness(storeLocation: schema?.uri)
        let second = try await ServeHarness(
            configure: { $0.marketCacheTTLMs = 600_000 }, refresh: false,
            directory: schema == nil ? first.dir : nil, storeLocation: schema?.uri)
        let before = try await second.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8"))
        #expect(before.status == 200, "\(before.text)")
        let cost = before.header("x-broker-cost-nano-usd")
        Self.raisePrices(first.simulator)
        let results = await first.server.refreshNow()
        #expect(results.first { $0.run.provider == "hf" }?.changes?.priceChanges ?? 0 > 0)
        let clock = ContinuousClock()
        let committed = clock.now
        var after = cost
        while after == cost, clock.now - committed < .seconds(5) {
            try await Task.sleep(for: .milliseconds(100))
            after = try await second.send("POST", "/v1/chat/completions", json: ServeHarness.chat("l8")).header(
                "x-broker-cost-nano-usd")
        }
        #expect(after != cost, "still \(cost ?? "none") nano-USD 5 s after the other instance's refresh")
        await second.stop(keepFiles: true)
        await first.stop()
    }
}
