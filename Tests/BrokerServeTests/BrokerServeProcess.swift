import Adapters
import Foundation
import ProviderSimulator
import Testing

/// `broker serve` as a child process, the way a user starts it: the real binary, flags and
/// environment, its address read from its first stderr line.
final class BrokerServeProcess: @unchecked Sendable {
    let child: ChildProcess
    let port: Int

    /// The `broker` binary next to the test bundle.
    static var executable: URL {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDir, bundleDir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("broker")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return bundleDir.appendingPathComponent("broker")
    }

    /// The repository root.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Runs `broker args…` to completion (for `refresh`).
    static func run(_ args: [String], environment: [String: String]) throws -> Int32 {
        try ChildProcess(executable.path, args, environment: environment, output: .null, errors: .null).wait().code
    }

    /// Runs `broker args…` to its exit on a thread of its own: the status and stderr (for
    /// flags that must be refused).
    static func runToExit(_ args: [String], environment: [String: String]) async throws -> (Int32, String) {
        try await onOwnThread {
            let child = try ChildProcess(executable.path, args, environment: environment, output: .null)
            let text = String(decoding: child.errors?.readAllRetryingInterrupts() ?? Data(), as: UTF8.self)
            return (child.wait().code, text)
        }
    }

    /// Checks a `broker serve` option: each `wrong` value is refused with exit 64 and a message
    /// naming the option and the value; with each `good` value the server starts, answers
    /// `/health` and every path of `paths` with 200, and stops cleanly.
    static func expectOption(_ option: String, wrong: [String], good: [String], paths: [String] = []) async throws {
        let (dir, environment) = try scratch("option")
        defer { try? FileManager.default.removeItem(at: dir) }
        let flags = ["--no-initial-refresh", "--refresh-every", "off"]
        for value in wrong {
            let (code, text) = try await runToExit(
                ["serve", "--port", "0"] + flags + [option, value], environment: environment)
            #expect(code == 64 && text.contains(option) && text.contains(value), "\(option) \(value): \(code) \(text)")
        }
        for value in good {
            let server = try await onOwnThread {
                try BrokerServeProcess(flags + [option, value], environment: environment)
            }
            for path in ["/health"] + paths {
                let answer = try await CurlTransport.shared.send(
                    HTTPRequest(url: "http://127.0.0.1:\(server.port)\(path)"))
                #expect(answer.status == 200, "\(option) \(value): \(path)")
            }
            let (code, _) = try await onOwnThread { server.terminate() }
            #expect(code == 0, "\(option) \(value)")
        }
    }

    /// A scratch directory and the environment of a `broker` with the shipped registry and a
    /// store in that directory; the caller removes the directory.
    static func scratch(_ label: String) throws -> (URL, [String: String]) {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "broker-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let environment = [
            "PATH": "/usr/bin:/bin", "HOME": dir.path, "BROKER_STORE": dir.appendingPathComponent("m.sqlite3").path,
            "BROKER_REGISTRY": repositoryRoot.appendingPathComponent("provider_registry.json").path,
        ]
        return (dir, environment)
    }

    /// Starts `broker serve --port 0 …` and waits for its "listening on" line.
    init(_ args: [String], environment: [String: String]) throws {
        child = try ChildProcess(
            Self.executable.path, ["serve", "--port", "0"] + args, environment: environment, output: .null)
        var text = ""
        while !text.contains("\n") {
            let data = child.errors?.readSomeRetryingInterrupts() ?? Data()
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: "://127.0.0.1:"),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else {
            child.send(SIGTERM)
            child.wait()
            throw ProcessFailure(message: "broker serve did not start: \(text)")
        }
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Sends SIGTERM and waits; returns the exit status and the rest of stderr.
    func terminate() -> (Int32, String) {
        child.send(SIGTERM)
        let rest = child.errors?.readAllRetryingInterrupts() ?? Data()
        return (child.wait().code, String(decoding: rest, as: UTF8.self))
    }

    struct ProcessFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
