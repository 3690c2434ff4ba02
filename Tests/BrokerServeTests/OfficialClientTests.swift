import Adapters
import Foundation
import ProviderSimulator
import Testing

@Suite("broker serve as a child process, driven by the official Python clients")
struct OfficialClientTests {
    static let key = "sk-python-client-0123456789"

    /// A simulator in process, a registry pointing at it, a refreshed store, and `broker serve`,
    /// started on a thread of its own (see `onOwnThread`).
    /// `embeddings` adds the `embedco` provider, `nativeResponses` the `nativeco` one (it serves `/responses` itself).
    static func start(
        fixtures: SimulatorFixtures = SimulatorFixtures(), extraArgs: [String] = [], embeddings: Bool = false,
        nativeResponses: Bool = false
    ) async throws -> (ProviderSimulator, URL, BrokerServeProcess) {
        try await onOwnThread {
            try startBlocking(
                fixtures: fixtures, extraArgs: extraArgs, embeddings: embeddings, nativeResponses: nativeResponses)
        }
    }

    private static func startBlocking(
        fixtures: SimulatorFixtures, extraArgs: [String], embeddings: Bool, nativeResponses: Bool
    ) throws
        -> (ProviderSimulator, URL, BrokerServeProcess)
    {
        var fixtures = fixtures
        fixtures.requiredToken = nil
        let simulator = ProviderSimulator(fixtures: fixtures)
        try simulator.start()
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "broker-serve-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let registry = dir.appendingPathComponent("provider_registry.json")
        let extra =
            (embeddings ? simulator.embeddingRegistryEntry() : "")
            + (nativeResponses ? simulator.nativeResponsesRegistryEntry() : "")
        try simulator.testRegistryJSON(extraProviders: extra).write(to: registry, atomically: true, encoding: .utf8)
        var environment = ServeHarness.environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        environment["HOME"] = dir.path
        environment["BROKER_REGISTRY"] = registry.path
        environment["BROKER_STORE"] = dir.appendingPathComponent("market.sqlite3").path
        environment["BROKER_API_KEYS"] = "\(key);name=python"
        let refreshed = try BrokerServeProcess.run(["refresh"], environment: environment)
        guard refreshed == 0 else {
            throw BrokerServeProcess.ProcessFailure(message: "broker refresh exited \(refreshed)")
        }
        let server = try BrokerServeProcess(
            ["--no-initial-refresh", "--refresh-every", "off"] + extraArgs, environment: environment)
        return (simulator, dir, server)
    }

    @Test("openai and huggingface_hub complete plain and streamed chat, a classic task, and read /v1/models")
    func pythonClients() async throws {
        let python = BrokerServeProcess.repositoryRoot.appendingPathComponent(".venv-serve/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("the Python venv with openai and huggingface_hub is missing: run scripts/bootstrap.sh")
            return
        }
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers["facebook/bart-large-cnn"] = "A broker routes requests."
        let (simulator, dir, server) = try await Self.start(fixtures: fixtures)
        defer {
            simulator.stop()
            try? FileManager.default.removeItem(at: dir)
        }
        // The clients take seconds (Python imports): wait for them on a thread of their own.
        let (status, stdout, stderr, code, serveLog) = try await onOwnThread {
            try Self.runClients(
                python, script: "serve_clients.py",
                arguments: [
                    ServeHarness.llama8B, "facebook/bart-large-cnn",
                    "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
                ],
                server: server, home: dir)
        }
        #expect(status == 0, "\(stderr.suffix(3000))")
        #expect(code == 0, "\(serveLog)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: stdout) as? [String: Any], "\(stderr.suffix(2000))")
        #expect((report["models"] as? [String])?.contains(ServeHarness.llama8B) == true)
        #expect(report["openai_chat"] as? String == "hello from openai")
        #expect(report["openai_stream"] as? String == "streamed from openai")
        #expect(report["openai_stream_usage"] as? Int == 3)
        #expect(report["hf_chat"] as? String == "hello from hf")
        #expect(report["hf_stream"] as? String == "streamed from hf")
        #expect(report["hf_summarization"] as? String == "A broker routes requests.")
        let labels = try #require(report["hf_classification"] as? [[String: Any]])
        #expect(!labels.isEmpty && labels[0]["label"] is String)
        // The client's key went nowhere upstream.
        #expect(!simulator.requests.contains { ($0.header("Authorization") ?? "").contains(Self.key) })
    }

    /// Runs a Python client script (in `scripts/`, given the server's URL, the key and
    /// `arguments`) against `server` to completion, then stops the server: the clients' exit
    /// status, stdout and stderr, and the server's.
    static func runClients(_ python: URL, script: String, arguments: [String], server: BrokerServeProcess, home: URL)
        throws
        -> (Int32, Data, String, Int32, String)
    {
        let child = try ChildProcess(
            python.path,
            [
                BrokerServeProcess.repositoryRoot.appendingPathComponent("scripts/" + script).path, server.baseURL,
                Self.key,
            ]
                + arguments,
            environment: [
                "PATH": "/usr/bin:/bin", "HF_HUB_DISABLE_TELEMETRY": "1", "HOME": home.path, "NO_PROXY": "127.0.0.1",
            ])
        let (stdout, stderrData) = child.readOutputs()
        let status = child.wait().code
        let (code, serveLog) = server.terminate()
        return (status, stdout, String(decoding: stderrData, as: UTF8.self), code, serveLog)
    }

    @Test("SIGTERM lets a stream in flight finish, then the process exits 0")
    func sigtermWithStreamInFlight() async throws {
        var fixtures = SimulatorFixtures()
        fixtures.chatAnswers[ServeHarness.llama8B] = "one two three four five six"
        fixtures.streamChunkDelayMs = 80
        let (simulator, dir, server) = try await Self.start(fixtures: fixtures)
        defer {
            simulator.stop()
            try? FileManager.default.removeItem(at: dir)
        }
        let body = try JSONSerialization.data(withJSONObject: ServeHarness.chat("l8", extra: ["stream": true]))
        let request = HTTPRequest(
            method: "POST", url: server.baseURL + "/v1/chat/completions",
            headers: [
                HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer \(Self.key)"),
            ],
            body: Array(body))
        let inFlight = Task { try await CurlTransport.shared.send(request) }
        // Wait until the simulator has started answering, then ask the server to stop.
        for _ in 0..<400 where !simulator.requests.contains(where: { $0.path == "/v1/chat/completions" }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(100))
        let (code, log) = try await onOwnThread { server.terminate() }
        let response = try await inFlight.value
        #expect(response.status == 200)
        #expect(response.text.hasSuffix("data: [DONE]\n\n"))
        #expect(response.text.contains("six"))
        #expect(code == 0, "\(log)")
        #expect(log.contains("shutting down") && log.contains("stopped"))
    }
}
