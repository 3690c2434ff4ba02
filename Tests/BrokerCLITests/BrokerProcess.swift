import Foundation
import ProviderSimulator

/// Runs the built `broker` executable as a child process, as a user would.
struct BrokerProcess {
    struct Result {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    /// The `broker` binary next to the test bundle.
    static var executable: URL {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDir, bundleDir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("broker")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return bundleDir.appendingPathComponent("broker")
    }

    /// Runs `broker args…` with a clean environment plus `environment`, optional stdin,
    /// waiting for it on a thread of its own (see `onOwnThread`).
    static func run(
        _ args: [String], environment: [String: String] = [:], stdin: String? = nil, cwd: URL? = nil
    ) async throws -> Result {
        try await onOwnThread { try runBlocking(args, environment: environment, stdin: stdin, cwd: cwd) }
    }

    private static func runBlocking(
        _ args: [String], environment: [String: String], stdin: String?, cwd: URL?
    ) throws -> Result {
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
        ]
        for (k, v) in environment { env[k] = v }
        let child = try ChildProcess(executable.path, args, environment: env, directory: cwd?.path, input: .pipe)
        if let stdin { child.input?.writeAllRetryingInterrupts(Data(stdin.utf8)) }
        try child.input?.close()
        let (outData, errData) = child.readOutputs()
        return Result(
            code: child.wait().code, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("broker-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The repository root (for the shipped registry).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
