import Adapters
import Broker
import BrokerServe
import Foundation
import PostgresClient
import ProviderInterface
import ProviderSimulator
import Testing

/// Several `broker serve` instances on one store: a key's budget and request rate hold for all
/// of them together, whichever instance each request reaches.
@Suite("broker serve: a key's budget and rate shared by the instances on one store")
struct SharedBudgetServeTests {
    /// The store the instances share: one SQLite file, or one PostgreSQL schema (when
    /// `$BROKER_TEST_POSTGRES` names a cluster; always under CI).
    enum Backend: String, CustomTestStringConvertible, Sendable {
        case sqlite
        case postgresql
        var testDescription: String { rawValue }

        static let all: [Backend] =
            [.sqlite]
            + (ProcessInfo.processInfo.environment["BROKER_TEST_POSTGRES"] != nil
                || ProcessInfo.processInfo.environment["CI"] == "true" ? [.postgresql] : [])
    }

    static let team = "sk-client-team-0123456789"
    static let probe = "sk-client-probe-0123456789"

    /// A short chat whose maximum expected cost (what a request reserves) is small and known.
    static var chat: [String: Any] { ServeHarness.chat("l8", "share the budget", extra: ["max_tokens": 3]) }

    static func post(_ server: BrokerServeProcess, key: String) async throws -> HTTPResponse {
        let request = HTTPRequest(
            method: "POST", url: server.baseURL + "/v1/chat/completions",
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer \(key)")],
            body: Array(try JSONSerialization.data(withJSONObject: chat)),
            timeouts: HTTPTimeouts(connectMs: 5_000, firstByteMs: 20_000, totalMs: 30_000))
        return try await CurlTransport.shared.send(request)
    }

    static func errorObject(_ response: HTTPResponse) -> [String: Any] {
        (ServeHarness.json(response) as? [String: Any])?["error"] as? [String: Any] ?? [:]
    }

    /// "… may cost up to $0.000000440, …" in a refusal: that amount in nano-USD.
    static func reservedNano(_ message: String) -> Int64? {
        guard let range = message.range(of: "may cost up to $") else { return nil }
        let amount = message[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return PicoUSD(decimal: String(amount), unit: .usdPerUnit)?.roundedNanoUSD
    }

    @Test(
        "two broker serve processes on one store spend a key's budget together: requests alternating between them are refused once it is spent (429 insufficient_quota on both), and the ledger holds at most the budget and less than one request short of it",
        arguments: Backend.all)
    func budgetAcrossProcesses(_ backend: Backend) async throws {
        let workspace = try await ServeProcessWorkspace.make("shared-budget")
        defer { withExtendedLifetime(workspace) {} }
        var environment = workspace.environment
        let schema = backend == .postgresql ? try PostgresTestSchema(prefix: "budget_") : nil
        if let schema {
            environment["BROKER_STORE"] = schema.uri
            let refreshEnvironment = environment
            #expect(
                try await onOwnThread {
                    try BrokerServeProcess.run(["refresh", "--provider", "hf"], environment: refreshEnvironment)
                } == 0)
        }
        let flags = ["--no-initial-refresh", "--refresh-every", "off"]

        // What one request costs, from an instance with a key without a budget.
        environment["BROKER_API_KEYS"] = Self.probe + ";name=probe"
        let probeEnvironment = environment
        let prober = try await onOwnThread { try BrokerServeProcess(flags, environment: probeEnvironment) }
        let priced = try await Self.post(prober, key: Self.probe)
        _ = try await onOwnThread { prober.terminate() }
        #expect(priced.status == 200, "\(priced.text)")
        let costNano = try #require(Int64(priced.header("x-broker-cost-nano-usd") ?? ""), "\(priced.headers)")
        #expect(costNano > 0)

        // A budget of eight requests and a half, for two instances started on the same store.
        let budgetNano = costNano * 17 / 2
        let budget = PicoUSD(budgetNano * 1_000)
        environment["BROKER_API_KEYS"] =
            Self.team + ";name=team;budget_usd=" + DecimalText.format(budgetNano, fractionDigits: 9)
        let teamEnvironment = environment
        let servers = try await onOwnThread {
            [
                try BrokerServeProcess(flags, environment: teamEnvironment),
                try BrokerServeProcess(flags, environment: teamEnvironment),
            ]
        }
        var answered = 0
        var refusal: HTTPResponse?
        for turn in 0..<40 {
            let response = try await Self.post(servers[turn % 2], key: Self.team)
            if response.status == 200 {
                answered += 1
                continue
            }
            refusal = response
            // The other instance refuses too.
            let other = try await Self.post(servers[(turn + 1) % 2], key: Self.team)
            #expect(other.status == 429, "\(other.text)")
            #expect(Self.errorObject(other)["code"] as? String == "insufficient_quota", "\(other.text)")
            break
        }
        let refused = try #require(refusal, "never refused after \(answered) requests")
        #expect(refused.status == 429, "\(refused.text)")
        #expect(Self.errorObject(refused)["code"] as? String == "insufficient_quota", "\(refused.text)")
        let message = Self.errorObject(refused)["message"] as? String ?? ""
        let maxCostNano = try #require(Self.reservedNano(message), "\(message)")
        // Both served: more requests than one instance alone would have let through if each
        // counted only its own (each then stops past half the budget at most after its own).
        #expect(answered >= 5, "\(answered) answered")
        for server in servers {
            let (code, _) = try await onOwnThread { server.terminate() }
            #expect(code == 0)
        }

        // What the store says the key spent is what the ledger holds, within the budget and
        // less than one request's maximum cost short of it.
        let store = try StoreLocation.open(environment["BROKER_STORE"] ?? "")
        let spent = try #require(try await store.keySpending()["team"])
        let ledger = try await store.usageTotal(sinceMs: 0).reduce(Int64(0)) { $0 + ($1.costPicoUSD ?? 0) }
        let probeCost = costNano * 1_000
        #expect(abs(ledger - probeCost - spent) < 1_000, "ledger \(ledger) - probe \(probeCost) vs spent \(spent)")
        #expect(spent <= budget.value, "spent \(spent) of \(budget.value)")
        #expect(spent > budget.value - maxCostNano * 1_000, "spent \(spent) of \(budget.value), max \(maxCostNano)")
        #expect(answered == Int(spent / probeCost), "\(answered) answered for \(spent)")
    }

    @Test(
        "a key's rpm counts requests on every instance: N requests spread over two pass, the next is 429 with Retry-After on either",
        arguments: Backend.all)
    func rateAcrossInstances(_ backend: Backend) async throws {
        let schema = backend == .postgresql ? try PostgresTestSchema(prefix: "rate_") : nil
        let keys = try APIKey.parseList(Self.team + ";name=team;rpm=4," + Self.probe + ";name=free")
        let first = try await ServeHarness(
            configure: { $0.keys = keys }, refresh: false, storeLocation: schema?.uri)
        let second = try await ServeHarness(
            configure: { $0.keys = keys }, refresh: false, storeLocation: schema?.uri ?? first.storePath)
        let instances = [first, second]
        for i in 0..<4 {
            let response = try await instances[i % 2].send("GET", "/v1/models", key: Self.team)
            #expect(response.status == 200, "request \(i): \(response.text)")
        }
        for h in instances {
            let limited = try await h.send("GET", "/v1/models", key: Self.team)
            #expect(limited.status == 429, "\(limited.text)")
            #expect(Self.errorObject(limited)["code"] as? String == "rate_limit_exceeded")
            let wait = try #require(Int(limited.header("Retry-After") ?? ""))
            // Four a minute: one comes back within 15 s.
            #expect((1...15).contains(wait), "\(wait)")
        }
        // A key without rpm is not limited.
        for h in instances { #expect(try await h.send("GET", "/v1/models", key: Self.probe).status == 200) }
        await second.stop()
        await first.stop()
    }

    @Test(
        "while the store cannot be written, a key's budget is counted by the instance from the last spent it read: requests go on, the charges wait in memory (broker_key_charges_queued) and reach the store once it is back",
        arguments: Backend.all)
    func storeAwayCountsLocally(_ backend: Backend) async throws {
        // $0.000001: each request reserves 440,000 pico-USD and costs 390,000 (AccessControlTests.small).
        let keys = try APIKey.parseList(Self.team + ";name=team;budget_usd=0.000001," + Self.probe + ";name=ops")
        let schema = backend == .postgresql ? try PostgresTestSchema(prefix: "away_") : nil
        let h = try await ServeHarness(
            configure: { $0.keys = keys }, storeBusyTimeoutMs: 50, storeLocation: schema?.uri)
        let first = try await h.send(
            "POST", "/v1/chat/completions", json: AccessControlTests.small("the same prompt"), key: Self.team)
        #expect(first.status == 200, "\(first.text)")
        let cost = try #require(Int64(first.header("x-broker-cost-nano-usd") ?? "")) * 1_000
        #expect(try await h.store.keySpending()["team"] == cost)

        // SQLite: another process holds the store's write lock, every write fails past the busy
        // timeout. PostgreSQL: the keys' spending cannot be written (its table is away).
        let other = try SQLiteConnection(path: schema == nil ? h.storePath : ":memory:", busyTimeoutMs: 0)
        if let schema {
            try PostgresConnection(uri: schema.base).execute(
                "ALTER TABLE \(schema.name).key_spending RENAME TO key_spending_away")
        } else {
            try other.execute("BEGIN EXCLUSIVE")
        }
        let second = try await h.send(
            "POST", "/v1/chat/completions", json: AccessControlTests.small("the same prompt"), key: Self.team)
        #expect(second.status == 200, "\(second.text)")
        // The instance's own count: what the store said, plus the second request, leaves too little.
        let third = try await h.send(
            "POST", "/v1/chat/completions", json: AccessControlTests.small("the same prompt"), key: Self.team)
        #expect(third.status == 429, "\(third.text)")
        #expect(Self.errorObject(third)["code"] as? String == "insufficient_quota")
        // The charge fails with the ledger's next commit (at once, or within its 20 ms delay).
        var waiting = ""
        for _ in 0..<100 {
            waiting = try await h.send("GET", "/metrics", key: Self.probe).text
            if waiting.contains("broker_key_charges_queued 1") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(waiting.contains("broker_key_charges_queued 1"), "\(waiting)")

        if let schema {
            try PostgresConnection(uri: schema.base).execute(
                "ALTER TABLE \(schema.name).key_spending_away RENAME TO key_spending")
        } else {
            try other.execute("COMMIT")
        }
        var spent: Int64? = nil
        for _ in 0..<100 {
            spent = try await h.store.keySpending()["team"]
            if spent == 2 * cost { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(spent == 2 * cost)
        let written = try await h.send("GET", "/metrics", key: Self.probe).text
        #expect(written.contains("broker_key_charges_queued 0"), "\(written)")
        await h.stop()
    }
}
