import Adapters
import Broker
import BrokerServe
import HTTPServer
import Platform
import ProviderInterface

#if canImport(Glibc)
    import Glibc
#endif

/// `broker serve`: the OpenAI-compatible endpoint, Hugging Face task API, marketplace API and
/// web page, with the pricing refresher running in the background.
enum ServeCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["serve"],
        abstract: "Serve an OpenAI-compatible endpoint, the marketplace API and a web page.",
        discussion: """
            Routes POST /v1/chat/completions (plain and stream: true) exactly like 'broker run', with
            failover and the usage ledger; GET /v1/models, /v1/marketplace/offers (the 'market'
            filters), /v1/marketplace/providers, /v1/usage, /health, /metrics; POST
            /hf-inference/models/{org}/{name}; and the marketplace page at /.
            Client keys come from $BROKER_API_KEYS or --keys-file (format: 'SECRET[;name=LABEL]
            [;budget_usd=USD][;rpm=N]', separated by commas or newlines); with keys set, every API
            call needs 'Authorization: Bearer <key>'. Without keys only loopback may be bound.
            --tls-cert and --tls-key (PEM files) serve HTTPS instead of HTTP, as a server bound
            beyond loopback should: client keys then never cross the network in clear text.
            SIGINT/SIGTERM stop admitting requests and wait up to --grace for those in flight.
            """,
        options: Options.options,
        printsResults: false
    )

    /// `serve`'s options; defaults not shown here are ``ServeConfiguration``'s.
    struct Options: OptionGroup {
        static let defaults = ServeConfiguration()
        static let host = Option<String>(
            "--host", "ADDR", "Address to bind.", default: defaults.host, expected: "an address"
        ) { $0.isEmpty ? nil : $0 == "localhost" ? "127.0.0.1" : $0 }.defaulting(to: defaults.host)
        static let port = Option<Int>.integer("--port", "N", "Port (0 picks a free one).", range: 0...65535)
            .defaulting(to: defaults.port)
        static let refreshEvery = Option<Int64?>(
            "--refresh-every", "DURATION", "Background refresh interval ('off' for none)."
        ) { text throws(UsageError) in
            if text == "off" || text == "0" { return nil }
            guard let ms = DurationText.milliseconds(text), ms >= 1000 else {
                throw UsageError(
                    "--refresh-every must be a duration of at least 1s such as 30m or 1h, or 'off' (got '\(text)')")
            }
            return ms
        }.defaulting(
            to: defaults.refreshIntervalMs,
            shown: defaults.refreshIntervalMs.map { DurationText.format(milliseconds: $0) } ?? "off")
        static let noInitialRefresh = Flag(
            "--no-initial-refresh", "Do not refresh at start-up (serve what the store holds).")
        static let grace = Option<Int64>.duration(
            "--grace", "How long shutdown waits for requests in flight.", example: "10s"
        )
        .defaulting(toMilliseconds: Int64(defaults.gracePeriodMs))
        static let keysFile = Option<String>.text(
            "--keys-file", "PATH", "Client keys, one per line.", default: "$BROKER_API_KEYS_FILE")
        static let tlsCert = Option<String>.text(
            "--tls-cert", "PATH", "Serve HTTPS with this certificate chain (PEM); needs --tls-key.")
        static let tlsKey = Option<String>.text("--tls-key", "PATH", "The certificate's private key (unencrypted PEM).")
        static let eventLoops = Option<HTTPServerConfiguration.ThreadModel>(
            "--event-loops", "N",
            "Serve on N event loops, each connection's requests on one thread; 'off' for a thread per connection.",
            default: "one per usable core", parse: ServeCommand.threadModel)
        static let busyPoll = Option<Int>(
            "--busy-poll", "MICROSECONDS",
            "While at most one request is in flight, poll a socket this long before sleeping on it ('off' for none).",
            parse: ServeCommand.busyPoll
        ).defaulting(
            to: ServeCommand.defaultBusyPollMicroseconds, shown: "\(ServeCommand.defaultBusyPollMicroseconds)us")

        static let options = [
            host.spec, port.spec, refreshEvery.spec, noInitialRefresh.spec, grace.spec, keysFile.spec,
            RoutingOptions.maxAttempts.spec, tlsCert.spec, tlsKey.spec, eventLoops.spec, busyPoll.spec,
        ]

        var host: String
        var port: Int
        /// `nil` for no background refresh.
        var refreshIntervalMs: Int64?
        var initialRefresh: Bool
        var graceMs: Int64
        var keysFile: String?
        var maxAttempts: Int
        var tlsCert: String?
        var tlsKey: String?
        /// `nil`: one event loop per usable core.
        var threadModel: HTTPServerConfiguration.ThreadModel?
        var busyPollMicroseconds: Int

        init(parsing arguments: ParsedArguments) throws(UsageError) {
            host = try arguments.value(Self.host)
            port = try arguments.value(Self.port)
            refreshIntervalMs = try arguments.value(Self.refreshEvery)
            initialRefresh = !arguments.has(Self.noInitialRefresh)
            graceMs = try arguments.value(Self.grace)
            keysFile = try arguments.value(Self.keysFile)
            maxAttempts = try arguments.value(RoutingOptions.maxAttempts)
            tlsCert = try arguments.value(Self.tlsCert)
            tlsKey = try arguments.value(Self.tlsKey)
            threadModel = try arguments.value(Self.eventLoops)
            busyPollMicroseconds = try arguments.value(Self.busyPoll)
        }
    }

    /// `--busy-poll` when not given: long enough to see a local upstream's answer or a scripted
    /// client's next request without sleeping (ServeBench, concurrency 1).
    static let defaultBusyPollMicroseconds = 300

    /// Microseconds from `--busy-poll`: `off`, `0`, `50`, `50us`; at most 10 ms.
    static func busyPoll(_ text: String) throws(UsageError) -> Int {
        if text == "off" { return 0 }
        let digits = text.hasSuffix("us") ? String(text.dropLast(2)) : text
        guard let value = Int(digits), (0...10_000).contains(value) else {
            throw UsageError(
                "--busy-poll must be a number of microseconds from 0 to 10000 such as 50us, or 'off' (got '\(text)')")
        }
        return value
    }

    /// The thread model from `--event-loops`: `off` (a thread per connection) or a count from 1 to 64.
    static func threadModel(_ text: String) throws(UsageError) -> HTTPServerConfiguration.ThreadModel {
        if text == "off" { return .threadPerConnection }
        guard let count = Int(text), (1...64).contains(count) else {
            throw UsageError(
                "--event-loops must be a number of loops from 1 to 64, or 'off' for a thread per connection (got '\(text)')"
            )
        }
        return .eventLoops(threads: count)
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        var configuration = ServeConfiguration()
        configuration.buildInfo = [("version", BrokerMain.versionText), ("allocator", Allocator.name)]
        configuration.host = options.host
        configuration.port = options.port
        configuration.refreshIntervalMs = options.refreshIntervalMs
        configuration.refreshAtStart = options.initialRefresh
        configuration.gracePeriodMs = Int(options.graceMs)
        configuration.maxAttempts = options.maxAttempts
        configuration.keys = try keys(options.keysFile, environment: context.environment)
        configuration.tls = try tlsIdentity(certPath: options.tlsCert, keyPath: options.tlsKey)
        configuration.busyPollMicroseconds = options.busyPollMicroseconds
        configuration.threadModel = options.threadModel ?? .eventLoops(threads: UsableCores.count())
        if let refusal = configuration.bindRefusal { throw UsageError(refusal) }

        let registry = try context.loadRegistry()
        let store = try context.openStore()
        // One execution strategy, handed to the server and to its transport as values.
        let blockingThreads = BlockingThreads()
        let busyPoll = configuration.makeBusyPoll()
        let transport = CurlTransport(blockingThreads: blockingThreads, busyPoll: busyPoll)
        let service = BrokerService(
            configuration: configuration, registry: registry, store: store, environment: context.environment,
            factory: context.providerFactory(over: transport), blockingThreads: blockingThreads, busyPoll: busyPoll)
        let server = BrokerServer(service: service)
        let port: Int
        do {
            port = try await server.start()
        } catch {
            throw CommandFailure(ExitCode.failure, error.message)
        }
        let shownHost = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let access =
            configuration.keys.isEmpty ? "no API keys (loopback only)" : "\(configuration.keys.count) API key(s)"
        let refresh =
            configuration.refreshIntervalMs.map { "refresh every \(DurationText.format(milliseconds: $0))" }
            ?? "no background refresh"
        let scheme = configuration.tls == nil ? "http" : "https"
        context.err("broker serve: listening on \(scheme)://\(shownHost):\(port) (\(access), \(refresh))")

        let (stops, continuation) = AsyncStream<Void>.makeStream()
        let trap = SignalTrap(signals: [SIGINT, SIGTERM]) { continuation.yield() }
        for await _ in stops { break }
        context.err(
            "broker serve: shutting down; waiting up to \(configuration.gracePeriodMs) ms for \(server.inFlight) request(s) in flight"
        )
        let left = await server.shutdown()
        trap.cancel()
        context.err(
            left == 0
                ? "broker serve: stopped"
                : "broker serve: stopped with \(left) request(s) cut off after the grace period")
        let ledger = server.ledgerHealth
        if ledger.retrying {
            context.err(
                "broker serve: \(ledger.queued) usage attempt(s) could not be written to the store \(context.storeName): \(ledger.lastFailure ?? "unknown error")"
            )
            return ExitCode.failure
        }
        return left == 0 ? ExitCode.success : ExitCode.failure
    }

    /// The HTTPS identity from --tls-cert and --tls-key (both or neither), read and checked
    /// for PEM blocks so a wrong file is named here rather than failing inside the TLS library.
    static func tlsIdentity(certPath: String?, keyPath: String?) throws -> HTTPServerConfiguration.TLSIdentity? {
        guard certPath != nil || keyPath != nil else { return nil }
        guard let certPath, let keyPath else { throw UsageError("--tls-cert and --tls-key go together") }
        guard let cert = readFile(certPath) else {
            throw CommandFailure(ExitCode.dataError, "cannot read the TLS certificate \(certPath)")
        }
        guard cert.contains("-----BEGIN CERTIFICATE-----") else {
            throw CommandFailure(
                ExitCode.dataError, "\(certPath) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        guard let key = readFile(keyPath) else {
            throw CommandFailure(ExitCode.dataError, "cannot read the TLS key \(keyPath)")
        }
        guard key.contains("PRIVATE KEY-----") else {
            throw CommandFailure(
                ExitCode.dataError, "\(keyPath) holds no unencrypted PEM private key (-----BEGIN … PRIVATE KEY-----)")
        }
        guard !key.contains("ENCRYPTED PRIVATE KEY") else {
            throw CommandFailure(ExitCode.dataError, "\(keyPath) is encrypted; give the key without a passphrase")
        }
        return HTTPServerConfiguration.TLSIdentity(certificatePEM: cert, privateKeyPEM: key)
    }

    /// Keys from --keys-file, $BROKER_API_KEYS_FILE or $BROKER_API_KEYS (all of them, combined).
    static func keys(_ keysFile: String?, environment: [String: String]) throws -> [APIKey] {
        var text = environment["BROKER_API_KEYS"] ?? ""
        if let path = keysFile ?? environment["BROKER_API_KEYS_FILE"] {
            guard let contents = readFile(path) else {
                throw CommandFailure(ExitCode.dataError, "cannot read the keys file \(path)")
            }
            text += "\n" + contents
        }
        do {
            return try APIKey.parseList(text)
        } catch {
            throw CommandFailure(ExitCode.dataError, error.description)
        }
    }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
