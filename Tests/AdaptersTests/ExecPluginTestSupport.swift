import Foundation
import ProviderInterface
import Testing

@testable import Adapters

/// A transport that must not be used: exec plugins make no HTTP requests.
struct ExecPluginNoTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        throw TransportError(.other, "exec plugins make no HTTP requests")
    }

    func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
        throw TransportError(.other, "exec plugins make no HTTP requests")
    }
}

/// A temporary registry directory with plugin scripts in it; removed on deinit.
final class ExecPluginSandbox {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("oai-exec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes an executable script named `name` into the directory.
    func script(_ name: String, _ text: String) throws {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// An `exec` entry whose relative command resolves against this directory.
    func entry(
        command: String, args: [String] = [], env: [String] = [], authEnv: String? = nil, timeoutMs: Int = 10_000,
        pricing: PricingConfig = PricingConfig()
    ) -> ProviderEntry {
        var options = JSONObject([("command", .string(command))])
        if !args.isEmpty { options["args"] = .array(args.map { .string($0) }) }
        if !env.isEmpty { options["env"] = .array(env.map { .string($0) }) }
        return ProviderEntry(
            key: "plugin", adapter: "exec", baseURL: "", urls: ["registry_dir": directory], authEnv: authEnv,
            timeoutMs: timeoutMs, pricing: pricing, options: options)
    }
}

enum ExecPluginTest {
    /// The repository's examples/ directory.
    static let examplesDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("examples").path
    }()

    /// The repository's examples/plugin_example.py.
    static var examplePlugin: String { examplesDirectory + "/plugin_example.py" }

    static var baseEnvironment: [String: String] {
        let env = ProcessInfo.processInfo.environment
        return ["PATH": env["PATH"] ?? "/usr/bin:/bin", "HOME": env["HOME"] ?? "/tmp", "LANG": "C.UTF-8"]
    }

    static func adapter(_ entry: ProviderEntry, environment: [String: String] = [:]) throws -> ExecPluginAdapter {
        let env = baseEnvironment.merging(environment) { _, new in new }
        return try ExecPluginAdapter(
            entry: entry, context: AdapterContext(environment: env, transport: ExecPluginNoTransport()))
    }

    static func chat(_ model: String, _ text: String, timeoutMs: Int? = nil) -> InferenceRequest {
        InferenceRequest(
            model: model, task: .conversational, messages: [ChatMessage(role: "user", content: text)],
            timeoutMs: timeoutMs)
    }

    /// The error `body` throws, or `nil`.
    static func error<T>(_ body: () async throws(ProviderError) -> T) async -> ProviderError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    /// Whether a process with this id still exists.
    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }
}
