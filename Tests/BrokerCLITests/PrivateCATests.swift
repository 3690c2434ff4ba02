import Foundation
import ProviderSimulator
import Testing

/// A provider behind a private certificate authority (an in-house vLLM, a corporate gateway):
/// `$BROKER_CA_BUNDLE` names the authorities to trust; certificates are still verified.
@Suite("Providers behind a private CA")
struct PrivateCATests {
    @Test(
        "with BROKER_CA_BUNDLE the broker refreshes and runs over HTTPS; without it the certificate is refused and named"
    )
    func privateCA() async throws {
        let market = try SimulatedMarket(tls: true)
        defer { market.stop() }
        #expect(market.simulator.baseURL.hasPrefix("https://"))
        let refused = try await market.broker(["refresh", "--provider", "acme", "--format", "json"])
        #expect(refused.code == 75, "\(refused.stdout)\(refused.stderr)")
        #expect(
            (refused.stdout + refused.stderr).lowercased().contains("certificate"), "\(refused.stdout)\(refused.stderr)"
        )

        let bundle = try ProviderSimulator.writeTestCABundle(in: market.dir.path)
        let trusted = ["BROKER_CA_BUNDLE": bundle]
        let refresh = try await market.broker(["refresh", "--provider", "acme"], environment: trusted)
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let run = try await market.broker(
            [
                "run", "--provider", "acme", "--model", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "--prompt",
                "over tls",
                "--format", "json",
            ],
            environment: trusted)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("over tls"))
    }
}
