import Platform

/// How an ``HTTPServer`` binds and schedules its work.
///
/// A `Sendable` struct of `var`s with documented defaults, so tests and `broker serve` build one
/// value and change only what they need.
public struct HTTPServerConfiguration: Sendable {
    /// How connections are mapped onto threads.
    public enum ThreadModel: Sendable, Hashable {
        /// One thread per connection, plus a listening thread. The connection's thread runs its
        /// request's task (an async handler's) itself and sleeps while the task waits; a
        /// blocking handler and a ``ResponseStream`` producer may block (wait for upstream
        /// data, sleep between chunks) without delaying other connections. Each idle
        /// kept-alive connection holds a thread until ``HTTPServerConfiguration/idleTimeoutSeconds``.
        case threadPerConnection
        /// A fixed pool of event-loop threads (epoll on Linux) sharing all connections, each
        /// thread running its request's task as above. Scales to many connections, but a
        /// handler or producer that blocks stalls every connection on its thread.
        case pool(threads: Int)
        /// Event loops, one thread each, every connection on one of them (the least loaded when
        /// it arrives): each request's async handler runs as a task on its connection's loop
        /// while the connection is suspended, so a handler may await (an upstream call, say)
        /// without holding a thread, and a transport that joins the loop (the broker's libcurl
        /// transport does) keeps the whole request on one thread. A streamed body's sequence is
        /// iterated by the same task; the connection is parked while it has nothing to send.
        /// A blocking handler runs inline on the loop here, and must not block.
        case eventLoops(threads: Int)
    }

    /// The address to bind: an IPv4 or IPv6 literal. Defaults to loopback (`127.0.0.1`).
    public var host: String
    /// The TCP port; 0 binds an ephemeral port (read it back from ``HTTPServer/port``).
    public var port: Int
    /// The threading model; defaults to ``ThreadModel/threadPerConnection``.
    public var threadModel: ThreadModel
    /// Seconds a connection may stay idle before the server closes it; 0 = never. Defaults to 60.
    public var idleTimeoutSeconds: Int
    /// The most simultaneous connections (with event loops, shared out evenly among the loops);
    /// 0 keeps libmicrohttpd's default (the descriptor limit).
    public var connectionLimit: Int
    /// The largest request body accepted; a larger one is answered 413. Defaults to 64 MiB.
    public var maxRequestBodyBytes: Int
    /// Per-connection memory for the request line, headers and I/O buffers; 0 keeps
    /// libmicrohttpd's default (32 KiB). Requests whose headers do not fit are answered 431/400.
    public var connectionMemoryBytes: Int
    /// The most bytes one call to a streaming body's buffer may take; larger chunks are split.
    public var streamBlockSize: Int
    /// Whether libmicrohttpd prints its internal errors on stderr.
    public var logErrors: Bool
    /// Serve HTTPS with this certificate and key instead of plain HTTP; nil (the default) serves HTTP.
    public var tls: TLSIdentity?
    /// Called on a connection's thread after a response has been sent in full, with the
    /// connection's socket, before the server waits for the next request on it: a hook for a
    /// brief busy-poll (see `BusyPoll` in Platform). Must return soon and must not read
    /// from the socket. Only called with ``ThreadModel/threadPerConnection``; nil by default.
    public var beforeIdleWait: (@Sendable (Int32) -> Void)?
    /// The threads-per-connection and pool models: the connection threads that run their
    /// request's task are marked in this value while they do (see `BlockingThreads` in Platform),
    /// so that a transport given the same value may do a call's I/O on such a thread instead of
    /// handing it to a thread of its own and back. Nil (the default) marks none.
    public var blockingThreads: BlockingThreads?
    /// Called by an event loop (``ThreadModel/eventLoops(threads:)``) instead of blocking at once
    /// when it has nothing to do: spins on `ready` and returns whether it became true (see
    /// `BusyPoll`). Nil by default.
    public var loopSpin: (@Sendable (_ ready: () -> Bool) -> Bool)?

    /// A certificate chain and its private key, both PEM text, for serving HTTPS.
    public struct TLSIdentity: Sendable, Hashable {
        /// The server's certificate, then any intermediate certificates.
        public var certificatePEM: String
        /// The certificate's private key (unencrypted PEM).
        public var privateKeyPEM: String

        /// An identity from PEM text.
        public init(certificatePEM: String, privateKeyPEM: String) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
        }
    }

    /// A configuration: loopback, ephemeral port, thread per connection, 60 s idle timeout,
    /// 64 MiB request bodies.
    public init(
        host: String = "127.0.0.1", port: Int = 0, threadModel: ThreadModel = .threadPerConnection,
        idleTimeoutSeconds: Int = 60, connectionLimit: Int = 0, maxRequestBodyBytes: Int = 64 << 20,
        connectionMemoryBytes: Int = 0, streamBlockSize: Int = 32 << 10, logErrors: Bool = false
    ) {
        self.host = host
        self.port = port
        self.threadModel = threadModel
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.connectionLimit = connectionLimit
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.connectionMemoryBytes = connectionMemoryBytes
        self.streamBlockSize = streamBlockSize
        self.logErrors = logErrors
    }
}
