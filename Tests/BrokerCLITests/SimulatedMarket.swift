import Foundation
import ProviderSimulator

/// A simulator plus a registry file pointing every provider at it, for CLI tests.
struct SimulatedMarket {
    let simulator: ProviderSimulator
    let dir: URL
    let registry: URL
    let store: URL
    static let hfToken = "hf_simulatedTOKENvalue0123456789abcdef"
    static let acmeKey = "sk-acme-simulated-key-0123456789"

    init(fixtures: SimulatorFixtures = SimulatorFixtures(), extraProviders: String = "") throws {
        var fixtures = fixtures
        fixtures.requiredToken = nil
        simulator = ProviderSimulator(fixtures: fixtures)
        try simulator.start()
        dir = try BrokerProcess.temporaryDirectory()
        registry = dir.appendingPathComponent("provider_registry.json")
        store = dir.appendingPathComponent("market.sqlite3")
        let base = simulator.baseURL
        let text = """
            {"version": 1, "aliases": {"l8": "meta-llama/Llama-3.1-8B-Instruct"}, "providers": [
              {"key": "hf", "adapter": "huggingface", "base_url": "\(base)", "urls": {"hub": "\(base)"},
               "auth_env": "TEST_HF_TOKEN", "timeout": "10s",
               "served_by": {
                 "scaleway": {"region": "eu", "countries": ["FR"]}, "ovhcloud": {"region": "eu", "countries": ["FR"]},
                 "nscale": {"region": "uk", "countries": ["GB"]}, "together": {"region": "unknown"},
                 "groq": {"region": "unknown"}, "hf-inference": {"region": "unknown"}}},
              {"key": "acme", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
               "region": {"region": "eu", "countries": ["DE"]}, "timeout": "10s",
               "pricing": {"source": "api", "unit": "usd_per_mtok", "zero": "unknown"},
               "options": {"list_envelope": "array", "price_input_field": "pricing.input", "price_output_field": "pricing.output"}}
              \(extraProviders)
            ]}
            """
        try text.write(to: registry, atomically: true, encoding: .utf8)
    }

    var environment: [String: String] {
        ["TEST_HF_TOKEN": Self.hfToken, "ACME_KEY": Self.acmeKey, "BROKER_REGISTRY": registry.path, "BROKER_STORE": store.path]
    }

    func broker(_ args: [String], environment extra: [String: String] = [:], stdin: String? = nil) throws -> BrokerProcess.Result {
        try BrokerProcess.run(args, environment: environment.merging(extra) { _, new in new }, stdin: stdin)
    }

    func json(_ args: [String], environment extra: [String: String] = [:]) throws -> (BrokerProcess.Result, Any?) {
        let result = try broker(args + ["--format", "json"], environment: extra)
        return (result, try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)))
    }

    func stop() { simulator.stop() }
}
