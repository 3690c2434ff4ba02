import Adapters
import Foundation
import ProviderInterface
import ProviderSimulator
import Synchronization
import Testing

/// A count and a stop flag shared by the load's clients.
final class LoadState: Sendable {
    private let state = Mutex((answered: 0, stop: false, lastProblem: ""))
    func answer() { state.withLock { $0.answered += 1 } }
    func problem(_ text: String) { state.withLock { $0.lastProblem = text } }
    var lastProblem: String { state.withLock { $0.lastProblem } }
    func stop() { state.withLock { $0.stop = true } }
    var answered: Int { state.withLock { $0.answered } }
    var stopped: Bool { state.withLock { $0.stop } }
}

/// Answered means recorded: `broker serve` sends an answer only once its ledger row is committed.
@Suite("broker serve: answered means recorded")
struct ServeDurabilityTests {
    @Test("a SIGKILL of serve under load loses no answered request: every answer is in the ledger")
    func sigkillUnderLoad() async throws {
        let workspace = try ServeProcessWorkspace("durable")
        // The simulator and the folder live until the test ends.
        defer { withExtendedLifetime(workspace) {} }
        let simulator = workspace.simulator
        let environment = workspace.environment
        let server = try BrokerServeProcess(
            ["--no-initial-refresh", "--refresh-every", "off"], environment: environment)

        let load = LoadState()
        let body = Array(try JSONSerialization.data(withJSONObject: ServeHarness.chat("l8", "answered means recorded")))
        let port = server.port
        // Four clients, each on a thread of its own with a blocking socket: the answers they
        // count do not wait for a turn on the test process's cooperative pool, which a full
        // test run keeps busy. Load enough for group commits of several rows, without taking a
        // busy machine from the tests running beside this one.
        let clients = (0..<4).map { _ in
            Task.detached {
                _ = try? await onOwnThread {
                    var client: RawHTTPClient? = nil
                    while !load.stopped {
                        do {
                            let connection = try client ?? RawHTTPClient(port: port)
                            client = connection
                            let response = try connection.request(
                                "POST", "/v1/chat/completions", headers: [("Content-Type", "application/json")],
                                body: body)
                            if response.status == 200 && response.complete {
                                load.answer()
                            } else {
                                load.problem("HTTP \(response.status): \(response.text)")
                            }
                            if connection.closedByPeer { client = nil }
                        } catch {
                            client = nil
                            load.problem("\(error)")
                            usleep(20_000)
                        }
                    }
                }
            }
        }
        // Kill it mid-stream of answers, once a good number have gone out (a busy machine is slow).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, load.answered < 100 { try await Task.sleep(for: .milliseconds(5)) }
        server.child.send(SIGKILL)
        _ = server.child.wait()
        load.stop()
        for client in clients { await client.value }
        let answers = load.answered
        // Enough answers that the kill lands among group commits; the property checked is below:
        // every one of them is in the ledger (a busy CI machine may answer fewer than 100 in 30 s).
        #expect(answers >= 20, "last problem: \(load.lastProblem)")

        let finalEnvironment = environment
        let (code, output) = try await onOwnThread { () throws -> (Int32, String) in
            let child = try ChildProcess(
                BrokerServeProcess.executable.path, ["usage", "--format", "json"], environment: finalEnvironment,
                errors: .null)
            let text = String(decoding: child.output?.readAllRetryingInterrupts() ?? Data(), as: UTF8.self)
            return (child.wait().code, text)
        }
        #expect(code == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        let recordedOK = rows.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) - ($1["errors"] as? Int ?? 0) }
        #expect(recordedOK >= answers, "\(answers) answered, \(recordedOK) recorded as answered")
    }
}
