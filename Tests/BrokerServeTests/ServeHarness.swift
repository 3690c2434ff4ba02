import Adapters
import Broker
import BrokerServe
import Foundation
import HTTPServer
import Platform
import ProviderInterface
import ProviderSimulator
import Testing

/// A simulator, a registry pointing at it, a fresh store and `BrokerServer` in process, with
/// a small HTTP client for the server's API.
final class ServeHarness: Sendable {
    let simulator: ProviderSimulator
    let dir: URL
    let registryPath: String
    let storePath: String
    let server: BrokerServer
    /// The store the server uses.
    let store: any MarketStore
    static let hfToken = ProviderSimulator.testHFToken
    static let acmeKey = ProviderSimulator.testAcmeKey
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    init(
        fixtures: SimulatorFixtures = SimulatorFixtures(), model: ServeModel = .eventLoops,
        configure: (inout ServeConfiguration) -> Void = { _ in },
        refresh: Bool = true, editRegistry: (String) -> String = { $0 }, directory: URL? = nil,
        storeBusyTimeoutMs: Int32 = 5_000, storeLocation: String? = nil
    ) async throws {
        var fixtures = fixtures
        fixtures.requiredToken = nil
        simulator = ProviderSimulator(fixtures: fixtures)
        try simulator.start()
        // A directory of an earlier harness (stopped with `keepFiles`) brings its store along.
        dir =
            directory
            ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("broker-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        registryPath = dir.appendingPathComponent("provider_registry.json").path
        // `storeLocation`: another store (a postgresql:// URI) instead of a fresh file.
        storePath = storeLocation ?? dir.appendingPathComponent("market.sqlite3").path
        try editRegistry(Self.registryText(simulator)).write(toFile: registryPath, atomically: true, encoding: .utf8)
        let registry = try RegistryLoader().load(path: registryPath)
        let store: any MarketStore =
            storeLocation == nil
            ? try MarketplaceStore(path: storePath, busyTimeoutMs: storeBusyTimeoutMs)
            : try StoreLocation.open(storePath)
        self.store = store
        var configuration = ServeConfiguration(
            port: 0, refreshIntervalMs: nil, refreshAtStart: false, gracePeriodMs: 5_000)
        configuration.threadModel = model.threadModel
        configure(&configuration)
        let environment = Self.environment
        // The execution strategy `broker serve` hands its server and its transport.
        let blockingThreads = BlockingThreads()
        let busyPoll = configuration.makeBusyPoll()
        let transport = CurlTransport(blockingThreads: blockingThreads, busyPoll: busyPoll)
        let context = AdapterContext(environment: environment, transport: transport)
        let service = BrokerService(
            configuration: configuration, registry: registry, store: store, environment: environment,
            factory: { entry throws(ProviderError) in try AdapterFactory.standard.make(entry, context: context) },
            blockingThreads: blockingThreads, busyPoll: busyPoll)
        server = BrokerServer(service: service)
        try await server.start()
        if refresh { await server.refreshNow() }
    }

    static var environment: [String: String] { ["TEST_HF_TOKEN": hfToken, "ACME_KEY": acmeKey] }

    /// The registry the CLI tests use (see ``ProviderSimulator/testRegistryJSON(extraProviders:)``).
    static func registryText(_ simulator: ProviderSimulator) -> String { simulator.testRegistryJSON() }

    var baseURL: String { "http://127.0.0.1:\(server.port)" }

    /// Stops the server and the simulator; `keepFiles` keeps the directory for another harness.
    func stop(keepFiles: Bool = false) async {
        await server.shutdown()
        simulator.stop()
        if !keepFiles { try? FileManager.default.removeItem(at: dir) }
    }

    /// One request to the server.
    func send(
        _ method: String, _ path: String, json: Any? = nil, body: [UInt8]? = nil, headers: [String: String] = [:],
        key: String? = nil
    ) async throws -> HTTPResponse {
        var all = headers.map { HTTPHeader($0.key, $0.value) }
        var bytes = body
        if let json {
            bytes = Array(try JSONSerialization.data(withJSONObject: json))
            all.append(HTTPHeader("Content-Type", "application/json"))
        }
        if let key { all.append(HTTPHeader("Authorization", "Bearer \(key)")) }
        let request = HTTPRequest(
            method: method, url: baseURL + path, headers: all, body: bytes,
            timeouts: HTTPTimeouts(connectMs: 5_000, firstByteMs: 20_000, totalMs: 30_000))
        return try await CurlTransport.shared.send(request)
    }

    /// A JSON body.
    /// Checks what an operator sees while the store cannot be read: `/health` answers 200
    /// `degraded` with the store's kind and an error naming `store`, and `/metrics` reports
    /// `broker_store_up{kind} 0`. Returns the `/health` body.
    func expectStoreUnreachable(kind: String, store: String) async throws -> String {
        let health = try await send("GET", "/health")
        #expect(health.status == 200, "\(health.text)")
        let json = try #require(Self.json(health) as? [String: Any])
        #expect(json["status"] as? String == "degraded")
        #expect(json["store"] as? String == "unreachable")
        #expect(json["store_kind"] as? String == kind)
        let error = try #require(json["store_error"] as? String)
        #expect(error.contains("cannot read the store \(store)"), "\(error)")
        let metrics = try await send("GET", "/metrics")
        #expect(metrics.text.contains("broker_store_up{kind=\"\(kind)\"} 0"), "\(metrics.text)")
        return health.text
    }

    static func json(_ response: HTTPResponse) -> Any? { try? JSONSerialization.jsonObject(with: Data(response.body)) }

    /// A chat request body.
    static func chat(_ model: String, _ prompt: String = "hello broker", extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["model": model, "messages": [["role": "user", "content": prompt]]]
        for (k, v) in extra { body[k] = v }
        return body
    }
}

/// The server's two ways of running requests, for tests that must hold on both.
enum ServeModel: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Two event loops (the default of `broker serve` on this machine).
    case eventLoops
    /// A thread per connection (`--event-loops off`).
    case connectionThreads

    var threadModel: HTTPServerConfiguration.ThreadModel {
        switch self {
        case .eventLoops: .eventLoops(threads: 2)
        case .connectionThreads: .threadPerConnection
        }
    }

    var testDescription: String { rawValue }
}
