#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CMicroHTTPD
import Dispatch
import Platform
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd: persistent connections, request bodies collected in
/// full, complete or streamed responses.
///
/// The server owns its thread models (``HTTPServerConfiguration/ThreadModel``); what it serves
/// is an async handler, `(ServerRequest) async -> ServerResponse`, whose streamed body is one
/// async sequence of byte chunks (``ResponseBody``), whatever the model:
///
/// - on event loops the handler runs as a task on its connection's loop, which the connection
///   waits for suspended (the loop serves others meanwhile); its body is iterated by the same
///   task, and the connection is parked while the body has nothing to send;
/// - with a thread per connection (or a pool) the connection's thread runs the handler's task
///   itself (see ``HTTPServerConfiguration/blockingThreads``) and sleeps while the task waits,
///   then runs it again for each chunk of its body.
///
/// Either way a client that goes away, or a server that stops, cancels the task. A blocking
/// handler (``init(configuration:handler:)``) is also served, on the connection's thread.
///
/// ```swift
/// let server = HTTPServer(asyncHandler: { request in .text("hello \(request.path)") })
/// let port = try server.start()
/// defer { server.stop() }
/// ```
public final class HTTPServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    private let handler: ServerCore.Handler
    private let state = Mutex<State>(State())

    /// The daemon (or, with event loops, the loops and their daemons) of the current run. The
    /// pointer is only used under the lock, to stop it.
    private struct Running: @unchecked Sendable {
        let daemon: OpaquePointer?
        let loops: [LoopDaemon]
        let listener: LoopListener?
        let core: ServerCore
    }

    private struct State: Sendable {
        var running: Running?
        var port = 0
    }

    /// A server that answers every request with `asyncHandler`, run as a task on the connection's
    /// thread model; call ``start()`` to listen.
    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        asyncHandler: @escaping @Sendable (ServerRequest) async -> ServerResponse
    ) {
        self.configuration = configuration
        self.handler = .async(asyncHandler)
    }

    /// A server that answers every request with a blocking `handler`, called on the connection's
    /// thread: it may block with a thread per connection (a simulated slow upstream, say), but
    /// not on event loops. Call ``start()`` to listen.
    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        handler: @escaping @Sendable (ServerRequest) -> ServerResponse
    ) {
        self.configuration = configuration
        self.handler = .blocking(handler)
    }

    deinit { stop() }

    /// The bound port of the current (or last) run; 0 before the first ``start()``.
    public var port: Int { state.withLock { $0.port } }

    /// Whether the server is listening.
    public var isRunning: Bool { state.withLock { $0.running != nil } }

    /// Binds and starts serving.
    /// - Returns: the bound port (the ephemeral one when the configured port is 0).
    /// - Throws: ``HTTPServerError`` when the address is invalid, the port is taken, or the
    ///   server is already running.
    @discardableResult
    public func start() throws(HTTPServerError) -> Int {
        let where_ = "\(configuration.host):\(configuration.port)"
        guard (0...65535).contains(configuration.port) else { throw .invalidAddress(where_) }
        let core = ServerCore(handler: handler, configuration: configuration)
        var flags: UInt32 = 0
        var loopCount = 0
        switch configuration.threadModel {
        case .threadPerConnection:
            flags =
                MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_AUTO.rawValue
                | MHD_USE_THREAD_PER_CONNECTION.rawValue
        case .pool:
            flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_AUTO.rawValue
        case .eventLoops(let threads):
            flags = MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            loopCount = max(1, threads)
        }
        if configuration.logErrors { flags |= MHD_USE_ERROR_LOG.rawValue }

        return try state.withLock { (state: inout State) throws(HTTPServerError) -> Int in
            guard state.running == nil else { throw .alreadyRunning(where_) }
            guard loopCount > 0 else {
                let daemon = try bind(flags: flags, port: configuration.port, core: core)
                state.running = Running(daemon: daemon, loops: [], listener: nil, core: core)
                state.port = Int(shim_MHD_daemon_port(daemon))
                return state.port
            }
            // One listening socket; one daemon per loop, each given connections by the listener.
            guard
                let listener = try withAddress(
                    port: configuration.port,
                    { address, length, ipv6 in
                        LoopListener.listen(on: address, length: length, ipv6: ipv6)
                    })
            else { throw .startFailed(where_) }
            var loops: [LoopDaemon] = []
            func abandon() {
                for served in loops { served.abandon() }
                listener.close()
            }
            for _ in 0..<loopCount {
                guard let loop = EventLoop() else {
                    abandon()
                    throw .startFailed(where_)
                }
                loop.spinBeforeWait = configuration.loopSpin
                let daemon: OpaquePointer
                do throws(HTTPServerError) {
                    daemon = try bind(flags: flags | MHD_USE_NO_LISTEN_SOCKET.rawValue, port: 0, core: core)
                } catch {
                    loop.discard()
                    abandon()
                    throw error
                }
                let served = LoopDaemon(loop: loop, core: core)
                guard served.adopt(daemon) else {
                    MHD_stop_daemon(daemon)
                    loop.discard()
                    abandon()
                    throw .startFailed(where_)
                }
                loops.append(served)
            }
            listener.serve(loops)
            for (index, served) in loops.enumerated() where !served.loop.start(name: "http-loop-\(index)") {
                for started in loops[..<index] {
                    started.loop.stop()
                    started.loop.join()
                }
                for unstarted in loops[index...] { unstarted.abandon() }
                listener.close()
                throw .startFailed(where_)
            }
            state.running = Running(daemon: nil, loops: loops, listener: listener, core: core)
            state.port = listener.port
            return listener.port
        }
    }

    /// Starts one daemon bound to the configured host and `port`.
    private func bind(flags: UInt32, port: Int, core: ServerCore) throws(HTTPServerError) -> OpaquePointer {
        let daemon = try withAddress(port: port) { address, _, ipv6 in
            MHDBridge.startDaemon(
                flags: ipv6 ? flags | MHD_USE_IPv6.rawValue : flags, address: address, core: core,
                configuration: configuration)
        }
        guard let daemon else { throw .startFailed("\(configuration.host):\(configuration.port)") }
        return daemon
    }

    /// Calls `body` with the socket address of the configured host and `port`, its length, and
    /// whether it is IPv6.
    private func withAddress<T>(
        port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t, Bool) -> T
    ) throws(HTTPServerError) -> T {
        let where_ = "\(configuration.host):\(configuration.port)"
        func call<Address>(_ address: inout Address, ipv6: Bool) -> T {
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<Address>.size), ipv6)
                }
            }
        }
        if configuration.host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, configuration.host, &address.sin6_addr) == 1 else {
                throw .invalidAddress(where_)
            }
            return call(&address, ipv6: true)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, configuration.host, &address.sin_addr) == 1 else { throw .invalidAddress(where_) }
        return call(&address, ipv6: false)
    }

    /// ``stop()`` for async callers: the wait for the server's threads (libmicrohttpd joins its
    /// connection threads) is done on a thread of its own, never on the cooperative pool.
    public func shutdown() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.stop()
                done.resume()
            }
        }
    }

    /// Stops listening, ends waits on the ``StopSignal``, closes every connection and waits for
    /// the connection threads to finish. Does nothing when not running. Must not be called from
    /// a handler or streaming producer (it would wait for its own thread).
    public func stop() {
        guard
            let running = state.withLock({ state -> Running? in
                defer { state.running = nil }
                return state.running
            })
        else { return }
        running.core.stopSignal.fire()
        if let daemon = running.daemon { MHD_stop_daemon(daemon) }
        // Each loop stops its daemon on its own thread (see LoopDaemon), then ends.
        for served in running.loops { served.loop.stop() }
        for served in running.loops { served.loop.join() }
        running.listener?.close()
        withExtendedLifetime(running.core) {}
    }
}
