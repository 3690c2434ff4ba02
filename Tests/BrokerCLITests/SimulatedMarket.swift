import Foundation
import ProviderSimulator

/// A simulator plus a registry file pointing every provider at it, for CLI tests.
struct SimulatedMarket {
    let simulator: ProviderSimulator
    let dir: URL
    let registry: URL
    let store: URL
    static let hfToken = ProviderSimulator.testHFToken
    static let acmeKey = ProviderSimulator.testAcmeKey

    /// With `tls`, the simulated providers speak HTTPS with the test certificate
    /// (``ProviderSimulator/testTLSIdentity``), as providers behind a private CA.
    init(fixtures: SimulatorFixtures = SimulatorFixtures(), extraProviders: String = "", tls: Bool = false) throws {
        var fixtures = fixtures
        fixtures.requiredToken = nil
        simulator = ProviderSimulator(fixtures: fixtures, tls: tls ? ProviderSimulator.testTLSIdentity : nil)
        try simulator.start()
        dir = try BrokerProcess.temporaryDirectory()
        registry = dir.appendingPathComponent("provider_registry.json")
        store = dir.appendingPathComponent("market.sqlite3")
        let text = simulator.testRegistryJSON(extraProviders: extraProviders)
        try text.write(to: registry, atomically: true, encoding: .utf8)
    }

    var environment: [String: String] {
        [
            "TEST_HF_TOKEN": Self.hfToken, "ACME_KEY": Self.acmeKey, "BROKER_REGISTRY": registry.path,
            "BROKER_STORE": store.path,
        ]
    }

    func broker(_ args: [String], environment extra: [String: String] = [:], stdin: String? = nil) async throws
        -> BrokerProcess.Result
    {
        try await BrokerProcess.run(args, environment: environment.merging(extra) { _, new in new }, stdin: stdin)
    }

    func json(_ args: [String], environment extra: [String: String] = [:]) async throws -> (BrokerProcess.Result, Any?)
    {
        let result = try await broker(args + ["--format", "json"], environment: extra)
        return (result, try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)))
    }

    func stop() { simulator.stop() }
}
