import Adapters
import Broker
import BrokerServe
import Foundation
import HTTPServer
import ProviderInterface
import ProviderSimulator
import Testing

/// `broker serve` over HTTPS: a server bound beyond loopback should not carry client keys in
/// clear text. The certificate is the simulator's test one (``ProviderSimulator/testTLSIdentity``).
@Suite("broker serve over HTTPS")
struct TLSServeTests {
    static let identity = ProviderSimulator.testTLSIdentity
    static let privateKey = identity.privateKeyPEM

    /// The certificate as a CA bundle file, for clients that trust it.
    static func bundle(in dir: URL) throws -> String {
        try ProviderSimulator.writeTestCABundle(in: dir.path)
    }

    @Test(
        "with a certificate and key, chat and health answer over HTTPS to a client that trusts it, and to nobody else")
    func servesHTTPS() async throws {
        let h = try await ServeHarness(configure: { $0.tls = Self.identity })
        let bundle = try Self.bundle(in: h.dir)
        let base = "https://127.0.0.1:\(h.server.port)"
        let health = try await CurlTransport.shared.send(HTTPRequest(url: base + "/health", caBundlePath: bundle))
        #expect(health.status == 200)
        let body = try JSONSerialization.data(withJSONObject: ServeHarness.chat("l8", "over tls"))
        let chat = try await CurlTransport.shared.send(
            HTTPRequest(
                method: "POST", url: base + "/v1/chat/completions",
                headers: [HTTPHeader("Content-Type", "application/json")],
                body: Array(body), caBundlePath: bundle))
        #expect(chat.status == 200)
        #expect(chat.text.contains("over tls"))
        // A client that trusts only the system's authorities refuses the certificate.
        await #expect(throws: TransportError.self) {
            _ = try await CurlTransport.shared.send(HTTPRequest(url: base + "/health"))
        }
        // Plain HTTP to the HTTPS port gets no answer.
        let plain = try? await CurlTransport.shared.send(HTTPRequest(url: "http://127.0.0.1:\(h.server.port)/health"))
        #expect(plain?.status != 200)
        await h.stop()
    }

    @Test(
        "broker serve --tls-cert/--tls-key listens on https; a missing or wrong file is named (65), and one flag alone is refused (64)"
    )
    func cliFlags() async throws {
        let (dir, environment) = try BrokerServeProcess.scratch("tls")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cert = try Self.bundle(in: dir)
        let key = dir.appendingPathComponent("key.pem").path
        try Self.privateKey.write(toFile: key, atomically: true, encoding: .utf8)
        let base = ["serve", "--port", "0", "--no-initial-refresh", "--refresh-every", "off"]
        func broker(_ args: [String]) async throws -> (Int32, String) {
            try await BrokerServeProcess.runToExit(args, environment: environment)
        }
        let alone = try await broker(base + ["--tls-cert", cert])
        #expect(alone.0 == 64 && alone.1.contains("--tls-cert and --tls-key go together"), "\(alone)")
        let missing = try await broker(base + ["--tls-cert", dir.path + "/missing.pem", "--tls-key", key])
        #expect(missing.0 == 65 && missing.1.contains("missing.pem"), "\(missing)")
        let swapped = try await broker(base + ["--tls-cert", key, "--tls-key", key])
        #expect(swapped.0 == 65 && swapped.1.contains("holds no PEM certificate"), "\(swapped)")

        let server = try await onOwnThread {
            try BrokerServeProcess(
                ["--no-initial-refresh", "--refresh-every", "off", "--tls-cert", cert, "--tls-key", key],
                environment: environment)
        }
        let health = try await CurlTransport.shared.send(
            HTTPRequest(url: "https://127.0.0.1:\(server.port)/health", caBundlePath: cert))
        #expect(health.status == 200)
        let (code, log) = try await onOwnThread { server.terminate() }
        #expect(code == 0)
        #expect(log.isEmpty || !log.contains("error"), "\(log)")
    }
}
