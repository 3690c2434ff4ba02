#if canImport(Glibc)
    import Glibc
#endif
import Broker
import HTTPServer
import Platform
import ProviderInterface

/// `broker serve` as an object: the ``BrokerService`` on an ``HTTPServer``, with the pricing
/// refresher running in the background and a graceful shutdown.
///
/// ```swift
/// let server = BrokerServer(service: service)
/// let port = try server.start()
/// // … on SIGTERM:
/// await server.shutdown()
/// ```
public final class BrokerServer: Sendable {
    /// The handler.
    public let service: BrokerService
    private let http: HTTPServer

    /// A server for `service`, bound as its configuration says.
    public init(service: BrokerService) {
        self.service = service
        let configuration = service.context.configuration
        var http = HTTPServerConfiguration(
            host: configuration.host, port: configuration.port, threadModel: configuration.threadModel,
            idleTimeoutSeconds: 120, maxRequestBodyBytes: 32 << 20)
        http.tls = configuration.tls
        http.blockingThreads = service.context.blockingThreads
        let busyPoll = service.context.busyPoll
        if busyPoll.windowMicroseconds > 0 {
            http.beforeIdleWait = { socket in busyPoll.spin(fd: socket, maxInFlight: 0) }
            // An event loop with at most one request in flight waits for the client's next request
            // (one window, as a connection thread does) or for the provider's answer (up to eight
            // windows, as the transport's inline runner does: an answer a little slower than one
            // window would otherwise pay the whole wake-up).
            http.loopSpin = { ready in
                let windows = busyPoll.requestsInFlight == 0 ? 1 : 8
                for _ in 0..<windows where busyPoll.spin(maxInFlight: 1, until: ready) { return true }
                return false
            }
        }
        self.http = HTTPServer(configuration: http, asyncHandler: { request in await service.respond(request) })
    }

    /// Binds, starts serving and starts the background refresh.
    /// - Returns: the bound port.
    /// - Throws: ``ServeError`` when the configuration may not be served or the address cannot be bound.
    @discardableResult
    public func start() async throws(ServeError) -> Int {
        let context = service.context
        if let refusal = context.configuration.bindRefusal { throw ServeError(refusal) }
        // Budgets go on from what the keys spent before this process.
        if context.access.isEnabled {
            do {
                context.access.restore(spent: try await context.store.keySpending())
            } catch {
                throw ServeError(
                    "cannot read what the API keys have spent from the store \(context.store.path): \(error)")
            }
        }
        let port: Int
        do {
            port = try http.start()
        } catch {
            let hint =
                context.configuration.tls == nil
                ? "" : " (with TLS: is the certificate valid, and does the key match it?)"
            throw ServeError("\(error)\(hint)")
        }
        do {
            context.refresh.seed(try await context.store.lastRefreshes())
        } catch {
            throw ServeError(StoreFailure.message(error, path: context.store.path, doing: "read"))
        }
        if context.configuration.refreshAtStart || context.configuration.refreshIntervalMs != nil {
            context.refresh.start(immediately: context.configuration.refreshAtStart)
        }
        return port
    }

    /// The bound port.
    public var port: Int { http.port }

    /// Runs one refresh round now (besides the background ones); returns each provider's result.
    @discardableResult
    public func refreshNow() async -> [RefreshResult] { await service.context.refresh.runOnce() }

    /// How the usage ledger's writes are going (failed commits are retried; see ``LedgerHealth``).
    public var ledgerHealth: LedgerHealth { service.context.ledger.health }

    /// Requests being served now (streamed bodies until they end).
    public var inFlight: Int { service.context.lifecycle.inFlight }

    /// Stops admitting requests (new ones get 503 with `Connection: close`), waits up to the
    /// grace period for those in flight to finish, then stops the refresher and the server.
    /// - Returns: the requests still in flight when the grace period ran out (0 on a clean stop).
    @discardableResult
    public func shutdown() async -> Int {
        let context = service.context
        context.lifecycle.beginDraining()
        context.refresh.stop()
        let deadline = Timestamp.nowMs() + Int64(context.configuration.gracePeriodMs)
        while context.lifecycle.inFlight > 0, Timestamp.nowMs() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = context.lifecycle.inFlight
        // Three tries; what still fails is reported by ``ledgerHealth`` (the caller says so).
        await context.ledger.flush(attempts: 3)
        await http.shutdown()
        return left
    }
}

/// Why `broker serve` could not start.
public struct ServeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    init(_ message: String) { self.message = message }
    /// The text printed for this value.
    public var description: String { message }
}
