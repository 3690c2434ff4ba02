#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import ProviderSimulator
import Testing

/// Real providers answer over HTTP/2 (libcurl negotiates it by ALPN); the simulator speaks
/// HTTP/1.1. `nghttpx` from Debian stands in front of it here, as a TLS and HTTP/2 frontend,
/// so refresh, plain and streamed runs cross HTTP/2 framing as they do in production.
@Suite("Providers over HTTP/2")
struct HTTP2Tests {
    static let nghttpx = "/usr/sbin/nghttpx"

    /// A port nobody listens on now.
    static func freePort() throws -> Int {
        guard let port = LoopbackSocket.freePort() else { throw POSIXError(.EADDRINUSE) }
        return port
    }

    /// Whether something accepts connections on `port`.
    static func accepts(_ port: Int) -> Bool { LoopbackSocket.accepts(port) }

    @Test("refresh, a run and a streamed run reach providers over HTTP/2 with TLS, through an HTTP/2 frontend")
    func overHTTP2() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.nghttpx),
            "nghttpx is missing: run scripts/bootstrap.sh --tests")
        let market = try SimulatedMarket()
        defer { market.stop() }
        let identity = ProviderSimulator.testTLSIdentity
        let key = market.dir.appendingPathComponent("h2-key.pem").path
        let cert = market.dir.appendingPathComponent("h2-cert.pem").path
        try identity.privateKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        try identity.certificatePEM.write(toFile: cert, atomically: true, encoding: .utf8)
        let bundle = try ProviderSimulator.writeTestCABundle(in: market.dir.path)

        let backend = try #require(URL(string: market.simulator.baseURL)?.port)
        let port = try Self.freePort()
        let proxy = try ChildProcess(
            Self.nghttpx,
            [
                "--conf=/dev/null", "--single-process", "--frontend=127.0.0.1,\(port)",
                "--backend=127.0.0.1,\(backend)",
                "--workers=1", "--errorlog-file=\(market.dir.path)/nghttpx.log", "--accesslog-file=/dev/null", key,
                cert,
            ],
            environment: ["PATH": "/usr/bin:/bin"], output: .null, errors: .null)
        // SIGKILL on every way out (an early throw included); the normal end also reaps it.
        defer { proxy.send(SIGKILL) }
        var up = false
        for _ in 0..<500 where !up {
            up = Self.accepts(port)
            if !up { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(
            up,
            "nghttpx did not start: \((try? String(contentsOfFile: "\(market.dir.path)/nghttpx.log", encoding: .utf8)) ?? "")"
        )

        // Every provider of the registry now lives behind the HTTP/2 frontend.
        let registry = market.simulator.testRegistryJSON()
            .replacingOccurrences(of: market.simulator.baseURL, with: "https://127.0.0.1:\(port)")
        try registry.write(to: market.registry, atomically: true, encoding: .utf8)
        let trusted = ["BROKER_CA_BUNDLE": bundle]

        let refresh = try await market.broker(["refresh"], environment: trusted)
        #expect(refresh.code == 0, "\(refresh.stdout)\(refresh.stderr)")
        let run = try await market.broker(
            ["run", "--model", "l8", "--prompt", "framed in two", "--format", "json"], environment: trusted)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("framed in two"))
        let streamed = try await market.broker(
            ["run", "--model", "l8", "--stream", "--prompt", "streamed in frames"], environment: trusted)
        #expect(streamed.code == 0, "\(streamed.stderr)")
        #expect(streamed.stdout.contains("streamed in frames"), "\(streamed.stdout)")

        // nghttpx tells the backend which protocol the client spoke: "2" is HTTP/2.
        let chats = market.simulator.requests.filter { $0.path.hasSuffix("/chat/completions") }
        #expect(chats.count >= 2)
        #expect(
            chats.allSatisfy { $0.header("via")?.hasPrefix("2 ") == true },
            "\(chats.map { $0.header("via") ?? "none" })")
        #expect(market.simulator.requests.allSatisfy { $0.header("via")?.hasPrefix("2 ") == true })
        proxy.send(SIGKILL)
        try await onOwnThread { proxy.wait() }
    }
}
