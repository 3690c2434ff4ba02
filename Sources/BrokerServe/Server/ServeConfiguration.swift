import HTTPServer
import Platform

/// How `broker serve` binds, refreshes, limits and shuts down.
///
/// A `Sendable` struct of `var`s with documented defaults; the CLI reads flags and the
/// environment into one value, tests build their own.
public struct ServeConfiguration: Sendable {
    /// The address to bind (an IP literal); loopback by default.
    public var host: String
    /// The TCP port; 0 binds an ephemeral one.
    public var port: Int
    /// The background refresh interval in milliseconds; `nil` turns background refresh off.
    public var refreshIntervalMs: Int64?
    /// Whether a refresh round runs as soon as the server starts (in the background).
    public var refreshAtStart: Bool
    /// How long a shutdown waits for in-flight requests before closing connections.
    public var gracePeriodMs: Int
    /// The client keys; empty means no access control (loopback only).
    public var keys: [APIKey]
    /// The server's threading model. Defaults to a thread per connection; `broker serve` uses
    /// one event loop per usable core (``UsableCores``), where a request and its provider call
    /// run on its connection's loop without blocking it.
    public var threadModel: HTTPServerConfiguration.ThreadModel
    /// How long one model's offers, latency figures and breaker state are reused between requests.
    public var marketCacheTTLMs: Int64
    /// The most tries per inference request.
    public var maxAttempts: Int
    /// Serve HTTPS with this certificate and key; nil serves plain HTTP.
    public var tls: HTTPServerConfiguration.TLSIdentity?
    /// How long a connection thread busy-polls its socket (an upstream's answer, a client's next
    /// request) before sleeping on it, in microseconds, while at most one request is in flight;
    /// 0 (the default here; `broker serve` uses 300) turns it off. Trades CPU that would be idle
    /// for the wake-up latency of a sleeping thread. One policy per server, shared with its
    /// transport (see ``makeBusyPoll()``).
    public var busyPollMicroseconds: Int = 0
    /// The labels of `/metrics`' `broker_build_info` gauge (the CLI sets `version` and
    /// `allocator`); none by default.
    public var buildInfo: [(name: String, value: String)] = []

    /// A configuration: `127.0.0.1:8080`, refresh every hour (and at start), 10 s grace, no keys,
    /// a thread per connection, a 1 s market cache, 4 attempts.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, refreshIntervalMs: Int64? = 3_600_000,
        refreshAtStart: Bool = true,
        gracePeriodMs: Int = 10_000, keys: [APIKey] = [],
        threadModel: HTTPServerConfiguration.ThreadModel = .threadPerConnection,
        marketCacheTTLMs: Int64 = 1_000, maxAttempts: Int = 4, tls: HTTPServerConfiguration.TLSIdentity? = nil
    ) {
        self.host = host
        self.port = port
        self.refreshIntervalMs = refreshIntervalMs
        self.refreshAtStart = refreshAtStart
        self.gracePeriodMs = gracePeriodMs
        self.keys = keys
        self.threadModel = threadModel
        self.marketCacheTTLMs = marketCacheTTLMs
        self.maxAttempts = maxAttempts
        self.tls = tls
    }

    /// The busy-poll policy this configuration asks for (``busyPollMicroseconds`` on the usable
    /// cores), for the server and its transport to share.
    public func makeBusyPoll() -> BusyPoll {
        BusyPoll(windowMicroseconds: busyPollMicroseconds, cores: UsableCores.count())
    }

    /// Why this configuration may not be served, or `nil`: without client keys the server
    /// refuses to bind anything but loopback.
    public var bindRefusal: String? {
        guard keys.isEmpty, !Loopback.isLoopbackHost(host) else { return nil }
        return "refusing to bind \(host) without access control: set BROKER_API_KEYS (or --keys-file) or bind 127.0.0.1"
    }
}
