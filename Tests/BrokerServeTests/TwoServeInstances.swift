import Adapters
import Foundation
import PostgresClient
import ProviderSimulator
import Synchronization
import Testing

/// Two `broker serve` processes on one store (a PostgreSQL URI), as a team runs them behind a
/// load balancer: one simulator, one registry, the store refreshed once by `broker refresh`,
/// then both instances started with `arguments`. For the process tests of a shared gateway.
final class TwoServeInstances: Sendable {
    let workspace: ServeProcessWorkspace
    /// The store both use.
    let store: String
    let servers: [BrokerServeProcess]

    init(_ name: String, store: String, arguments: [String] = ["--no-initial-refresh", "--refresh-every", "off"])
        throws
    {
        workspace = try ServeProcessWorkspace(name, store: store)
        self.store = store
        let first = try BrokerServeProcess(arguments, environment: workspace.environment)
        do {
            servers = [first, try BrokerServeProcess(arguments, environment: workspace.environment)]
        } catch {
            _ = first.terminate()
            throw error
        }
    }

    /// `clients` clients sending chat requests for `model`, spread over both instances.
    func load(clients: Int = 4, model: String = "l8") throws -> ChatLoad {
        try ChatLoad(ports: servers.map(\.port), clients: clients, model: model)
    }

    /// `GET path` on instance `index`.
    func get(_ index: Int, _ path: String) async throws -> HTTPResponse {
        try await CurlTransport.shared.send(
            HTTPRequest(
                url: servers[index].baseURL + path,
                timeouts: HTTPTimeouts(connectMs: 2_000, firstByteMs: 20_000, totalMs: 20_000)))
    }

    /// Instance `index`'s `/v1/usage` totals over every provider: (requests, errors); nil while
    /// it answers anything but 200 (its store away).
    func usageTotals(_ index: Int) async throws -> (requests: Int, errors: Int)? {
        let response = try await get(index, "/v1/usage?by=provider")
        guard response.status == 200,
            let rows = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]]
        else { return nil }
        return Self.totals(rows)
    }

    /// `broker usage --format json` on the shared store (the CLI, as an operator runs it).
    func usageCommandTotals() async throws -> (requests: Int, errors: Int) {
        let environment = workspace.environment
        let (code, output) = try await onOwnThread { () throws -> (Int32, Data) in
            let child = try ChildProcess(
                BrokerServeProcess.executable.path, ["usage", "--format", "json"], environment: environment,
                errors: .null)
            let data = child.output?.readAllRetryingInterrupts() ?? Data()
            return (child.wait().code, data)
        }
        let rows = try JSONSerialization.jsonObject(with: output) as? [[String: Any]]
        guard code == 0, let rows else {
            throw BrokerServeProcess.ProcessFailure(
                message: "broker usage exited \(code): \(String(decoding: output, as: UTF8.self))")
        }
        return Self.totals(rows)
    }

    static func totals(_ rows: [[String: Any]]) -> (requests: Int, errors: Int) {
        rows.reduce((0, 0)) { ($0.0 + ($1["requests"] as? Int ?? 0), $0.1 + ($1["errors"] as? Int ?? 0)) }
    }

    /// How many `ok` rows the shared ledger holds for each request id, read from the store itself.
    func okRowsByRequest() throws -> [String: Int] {
        let db = try PostgresConnection(uri: store)
        var counts: [String: Int] = [:]
        for (id, count) in try db.rows(
            "SELECT request_id, count(*) FROM usage WHERE outcome = 'ok' GROUP BY request_id", [],
            { row in (try row.text(0), try row.int64(1)) })
        {
            counts[id] = Int(count)
        }
        return counts
    }

    /// The answered requests that are not in the ledger exactly once, as "id: n rows" (empty
    /// when each is there once). Read on a thread of its own (libpq blocks).
    func notRecordedOnce(_ answered: [String]) async throws -> [String] {
        let rows = try await onOwnThread { [self] in try okRowsByRequest() }
        return answered.filter { rows[$0] != 1 }.map { "\($0): \(rows[$0] ?? 0) ok rows" }
    }

    /// `/health` of instance `index`, as JSON.
    func health(_ index: Int) async throws -> (status: Int, json: [String: Any]) {
        let response = try await get(index, "/health")
        return (
            response.status, (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
        )
    }

    deinit {
        // A test that ended early leaves no server behind.
        for server in servers where server.child.isRunning {
            server.child.send(SIGKILL)
            server.child.wait()
        }
    }

    /// Stops the instances still running (SIGTERM) and returns their exit statuses.
    @discardableResult
    func stop() async throws -> [Int32] {
        let servers = self.servers
        return try await onOwnThread {
            servers.map { server in server.child.isRunning ? server.terminate().0 : -1 }
        }
    }
}

/// Clients sending one chat request after another (each to its own instance, round robin),
/// keeping the request id (`x-broker-request-id`) of every answer (200) they received. Each
/// client is a thread of its own with a blocking socket (as in ServeDurabilityTests): the
/// answers it counts do not wait for a turn on the test process's cooperative pool, which a
/// full test run keeps busy.
final class ChatLoad: Sendable {
    private struct State {
        var answered: [String] = []
        /// Answers by instance (the index of its port).
        var answeredBy: [Int: Int] = [:]
        var failed = 0
        /// The slowest answer since the last ``ChatLoad/slowestAnswer(reset:)``.
        var slowest: Duration = .zero
        var lastProblem = ""
        var stopped = false
    }

    private let state = Mutex(State())
    private let clients = Mutex<[Task<Void, Never>]>([])

    init(ports: [Int], clients count: Int, model: String) throws {
        let body = Array(try JSONSerialization.data(withJSONObject: ServeHarness.chat(model, "two instances")))
        let tasks = (0..<count).map { index in
            let instance = index % ports.count
            let port = ports[instance]
            return Task.detached { [self] in
                _ = try? await onOwnThread { [self] in
                    var client: RawHTTPClient? = nil
                    while !stopped {
                        do {
                            let connection = try client ?? RawHTTPClient(port: port, timeoutSeconds: 10)
                            client = connection
                            let started = ContinuousClock.now
                            let response = try connection.request(
                                "POST", "/v1/chat/completions", headers: [("Content-Type", "application/json")],
                                body: body)
                            record(response, from: instance, took: ContinuousClock.now - started)
                            if connection.closedByPeer { client = nil }
                        } catch {
                            client = nil
                            state.withLock {
                                $0.failed += 1
                                $0.lastProblem = "\(error)"
                            }
                            // An instance that is gone refuses at once: do not spin.
                            usleep(20_000)
                        }
                    }
                }
            }
        }
        clients.withLock { $0 = tasks }
    }

    private func record(_ response: RawHTTPClient.Response, from instance: Int, took: Duration) {
        state.withLock { s in
            if response.status == 200, response.complete, let id = response.header("x-broker-request-id") {
                s.answered.append(id)
                s.answeredBy[instance, default: 0] += 1
                s.slowest = max(s.slowest, took)
            } else {
                s.failed += 1
                s.lastProblem = "HTTP \(response.status): \(response.text)"
            }
        }
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    /// Answers received so far.
    var answered: Int { state.withLock { $0.answered.count } }

    /// Answers received so far from the instance at `index` of the ports.
    func answered(by index: Int) -> Int { state.withLock { $0.answeredBy[index] ?? 0 } }

    /// The slowest answer received since the last call (or the start); `reset` starts anew.
    func slowestAnswer(reset: Bool = true) -> Duration {
        state.withLock { s in
            defer { if reset { s.slowest = .zero } }
            return s.slowest
        }
    }

    /// The request ids of the answers received so far.
    var answeredIDs: [String] { state.withLock { $0.answered } }

    /// Requests that got no answer (refused, cut off, or not 200), and the last one's problem.
    var failures: (count: Int, last: String) { state.withLock { ($0.failed, $0.lastProblem) } }

    /// Waits until `count` answers in all have come, or `timeout` has passed; whether they came.
    @discardableResult
    func wait(untilAnswered count: Int, timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while answered < count {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Stops the clients and waits for their last requests.
    func stop() async {
        state.withLock { $0.stopped = true }
        for client in clients.withLock({ $0 }) { await client.value }
    }
}
