import Foundation
import ProviderSimulator

/// A PostgreSQL cluster of the test's own (`scripts/postgres-test-cluster.sh start`), for a
/// test that stops and starts the database: the shared cluster of `$BROKER_TEST_POSTGRES`
/// stays up for the tests running beside it. Stopped and removed when the value goes.
final class PostgresTestCluster: Sendable {
    /// Its URI (over TCP, with a password).
    let uri: String
    /// Its folder, for the script's `pause` / `resume` / `stop`.
    let directory: String

    static var script: String {
        BrokerServeProcess.repositoryRoot.appendingPathComponent("scripts/postgres-test-cluster.sh").path
    }

    /// Starts a fresh cluster (a few seconds: `initdb`).
    init() throws {
        let text = try Self.run(["start"])
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            // `printf %q` quotes only what the shell would split; URIs and temp folders need none.
            values[String(pair[0])] = String(pair[1]).replacingOccurrences(of: "'", with: "")
        }
        guard let uri = values["BROKER_TEST_POSTGRES"], let directory = values["BROKER_TEST_POSTGRES_DIR"] else {
            throw BrokerServeProcess.ProcessFailure(message: "postgres-test-cluster.sh start printed: \(text)")
        }
        self.uri = uri
        self.directory = directory
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are cut), keeping its data.
    func pause() throws { _ = try Self.run(["pause", directory]) }

    /// Starts it again on the same port.
    func resume() throws { _ = try Self.run(["resume", directory]) }

    deinit { _ = try? Self.run(["stop", directory]) }

    /// Runs the script; its standard output, or an error with its standard error.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let child = try ChildProcess(
            "/bin/bash", [script] + arguments, environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        let (output, errors) = child.readOutputs()
        let code = child.wait().code
        guard code == 0 else {
            throw BrokerServeProcess.ProcessFailure(
                message: "postgres-test-cluster.sh \(arguments.joined(separator: " ")) exited \(code): "
                    + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }
}
