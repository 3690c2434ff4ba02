import Foundation
import ProviderSimulator
import Testing

/// Answered means recorded: `broker serve` sends an answer only once its ledger row is committed.
@Suite("broker serve: answered means recorded")
struct ServeDurabilityTests {
    @Test("a SIGKILL of serve under load loses no answered request: every answer is in the ledger")
    func sigkillUnderLoad() async throws {
        let workspace = try await ServeProcessWorkspace.make("durable")
        // The simulator and the folder live until the test ends.
        defer { withExtendedLifetime(workspace) {} }
        let environment = workspace.environment
        let server = try await onOwnThread {
            try BrokerServeProcess(["--no-initial-refresh", "--refresh-every", "off"], environment: environment)
        }

        // Four clients, each on a thread of its own (``ChatLoad``): load enough for group commits
        // of several rows, without taking a busy machine from the tests running beside this one.
        let load = try ChatLoad(ports: [server.port], clients: 4, model: "l8")
        // Kill it mid-stream of answers, once a good number have gone out (a busy machine is slow).
        try await load.wait(untilAnswered: 100)
        server.child.send(SIGKILL)
        _ = server.child.wait()
        await load.stop()
        let answers = load.answered
        // Enough answers that the kill lands among group commits; the property checked is below:
        // every one of them is in the ledger (a busy CI machine may answer fewer than 100 in 30 s).
        #expect(answers >= 20, "last problem: \(load.failures.last)")

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
