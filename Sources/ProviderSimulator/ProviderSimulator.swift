import HTTPServer
import Synchronization

/// A loopback HTTP server that speaks the providers' real wire formats from fixture data,
/// injects faults, and records what it received. One simulator plays every host: the Hub
/// (`/api/models…`), the HF router (`/v1/…`, `/hf-inference/…`), OpenRouter (`/api/v1/…`) and
/// OpenAI-compatible providers (`/{prefix}/v1/…`), all relative to ``baseURL``.
///
/// ```swift
/// let simulator = ProviderSimulator()
/// try simulator.start()
/// defer { simulator.stop() }
/// simulator.inject(.rateLimited(retryAfterSeconds: 2), pathPrefix: "/v1/chat")
/// // … point an adapter at simulator.baseURL …
/// #expect(simulator.requests.count == 2)
/// ```
///
/// Thread-safe. Requests are served on libmicrohttpd's connection threads (thread per
/// connection), so delays injected into one connection do not slow the others.
public final class ProviderSimulator: Sendable {
    private let core: SimulatorCore
    private let server: HTTPServer
    private let scheme: String

    /// A simulator serving `fixtures` (the small default catalog unless given); call ``start()``.
    /// With `tls`, it speaks HTTPS, as real providers do (a provider behind a private CA).
    /// `threadModel` defaults to a thread per connection, which injected delays need; a benchmark
    /// that injects none may pick ``HTTPServerConfiguration/ThreadModel/pool(threads:)`` so that the
    /// simulator's own threads take less of the machine from what is measured.
    public init(
        fixtures: SimulatorFixtures = SimulatorFixtures(), tls: HTTPServerConfiguration.TLSIdentity? = nil,
        threadModel: HTTPServerConfiguration.ThreadModel = .threadPerConnection
    ) {
        let core = SimulatorCore(fixtures: fixtures)
        self.core = core
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, idleTimeoutSeconds: 30)
        configuration.tls = tls
        configuration.threadModel = threadModel
        scheme = tls == nil ? "http" : "https"
        self.server = HTTPServer(configuration: configuration) { core.handle($0) }
    }

    deinit { server.stop() }

    /// Binds `127.0.0.1` on an ephemeral port and starts serving.
    public func start() throws {
        let port = try server.start()
        core.port.store(port, ordering: .relaxed)
    }

    /// Stops serving and closes every connection (waits for in-flight requests; injected delays
    /// end at once).
    public func stop() { server.stop() }

    /// The bound port (0 before ``start()``).
    public var port: Int { server.port }

    /// `http://127.0.0.1:<port>` (`https` when serving TLS).
    public var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    /// ``baseURL`` + `path` (`path` starts with `/`).
    public func url(_ path: String) -> String { baseURL + path }

    /// The data served. Setting it takes effect for the next request (cached renderings are dropped).
    public var fixtures: SimulatorFixtures {
        get { core.state.withLock { $0.fixtures } }
        set {
            core.state.withLock { state in
                state.fixtures = newValue
                state.generation += 1
                state.bodyCache.removeAll()
                state.bodyCacheBytes = 0
                state.filterCache.removeAll()
            }
        }
    }

    /// Changes the fixtures in place.
    public func updateFixtures(_ change: (inout SimulatorFixtures) -> Void) {
        core.state.withLock { state in
            change(&state.fixtures)
            state.generation += 1
            state.bodyCache.removeAll()
            state.bodyCacheBytes = 0
            state.filterCache.removeAll()
        }
    }

    // MARK: Faults

    /// Applies `fault` to the next `count` requests whose path starts with `pathPrefix`
    /// (`nil` = any path), custom routes included. Faults are consumed first in, first out.
    public func inject(_ fault: SimulatorFault, pathPrefix: String? = nil, count: Int = 1) {
        guard count > 0 else { return }
        core.state.withLock { $0.faults.append(PendingFault(fault: fault, pathPrefix: pathPrefix, remaining: count)) }
    }

    /// Drops every pending fault.
    public func clearFaults() { core.state.withLock { $0.faults.removeAll() } }

    /// How many injected fault applications are still pending.
    public var pendingFaultCount: Int { core.state.withLock { $0.faults.reduce(0) { $0 + $1.remaining } } }

    // MARK: Recording

    /// Every request received since start (or ``clearRequests()``), in arrival order.
    public var requests: [RecordedRequest] { core.state.withLock { $0.requests } }

    /// Forgets the recorded requests.
    public func clearRequests() { core.state.withLock { $0.requests.removeAll() } }

    /// Whether requests are recorded (on by default; benchmarks turn it off to keep memory flat).
    public var isRecording: Bool {
        get { core.state.withLock { $0.recording } }
        set { core.state.withLock { $0.recording = newValue } }
    }

    // MARK: Custom routes

    /// Answers `method` + `path` (exact match, query ignored) with `handler`, in preference to the
    /// built-in routes. A later route for the same method and path replaces the earlier one.
    public func route(
        _ method: String, _ path: String, _ handler: @escaping @Sendable (RecordedRequest) -> SimulatedResponse
    ) {
        core.state.withLock { $0.routes[SimulatorCore.routeKey(method, path)] = handler }
    }
}
