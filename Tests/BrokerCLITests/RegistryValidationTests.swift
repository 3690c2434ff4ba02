import Foundation
import Testing

/// The registry gaps a hostile probe found: each is an error naming its path, and no secret
/// written into the registry is echoed back.
@Suite("registry validation gaps")
struct RegistryValidationTests {
    func check(_ text: String) async throws -> BrokerProcess.Result {
        let dir = try BrokerProcess.temporaryDirectory()
        let registry = dir.appendingPathComponent("reg.json")
        try text.write(to: registry, atomically: true, encoding: .utf8)
        return try await BrokerProcess.run(["providers", "check", "--registry", registry.path])
    }

    @Test("a URL carrying a credential is rejected without echoing it")
    func credentialsInURLs() async throws {
        let result = try await check(
            """
            {"providers": [
              {"key": "a", "adapter": "openai-compatible", "base_url": "https://bob:pa55w0rd-xyz@api.example.com/v1"},
              {"key": "b", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1?api_key=QK7-secret-value"},
              {"key": "c", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1?region=eu&key=QK8-secret-value"},
              {"key": "d", "adapter": "huggingface", "base_url": "https://router.example.com",
               "urls": {"hub": "https://hub.example.com/?token=QK9-secret-value"}},
              {"key": "e", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1?region=eu"}
            ]}
            """)
        #expect(result.code == 65)
        #expect(result.stderr.contains("providers[0].base_url: carries a credential (user information"))
        #expect(result.stderr.contains("providers[1].base_url: carries a credential (the query parameter 'api_key')"))
        #expect(result.stderr.contains("providers[2].base_url: carries a credential (the query parameter 'key')"))
        #expect(result.stderr.contains("providers[3].urls.hub: carries a credential (the query parameter 'token')"))
        #expect(!result.stderr.contains("providers[4]"))
        for secret in ["pa55w0rd-xyz", "QK7-secret-value", "QK8-secret-value", "QK9-secret-value"] {
            #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
        }
    }

    @Test("auth_env naming a variable that holds no credential (PATH, HOME, …) is rejected")
    func nonCredentialVariables() async throws {
        let result = try await check(
            """
            {"providers": [
              {"key": "a", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1", "auth_env": "PATH"},
              {"key": "b", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1", "auth_env": "HOME"},
              {"key": "c", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1", "auth_env": "LC_ALL"},
              {"key": "d", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1", "auth_env": "EXAMPLE_API_KEY"}
            ]}
            """)
        #expect(result.code == 65)
        for (i, name) in ["PATH", "HOME", "LC_ALL"].enumerated() {
            #expect(
                result.stderr.contains("providers[\(i)].auth_env: names \(name), which holds no credential"),
                "\(result.stderr)")
        }
        #expect(!result.stderr.contains("providers[3]"))
    }

    @Test("negative and sub-pico prices, duplicate table rows and duplicate JSON members name their path")
    func pricesRowsAndMembers() async throws {
        let table = """
            {"providers": [
              {"key": "t", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1",
               "pricing": {"source": "static", "catalog": "table", "unit": "usd_per_mtok", "taken": "2026-12-01",
                 "models": [
                   {"model": "m1", "input": "-0.5", "output": "1"},
                   {"model": "m2", "input": "0.0000001", "output": "1"},
                   {"model": "m3", "input": "0.1", "output": "0.2"},
                   {"model": "m3", "input": "0.3", "output": "0.4"},
                   {"model": "m4", "input": "0.000001", "output": "0"}
                 ]}}
            ]}
            """
        let result = try await check(table)
        #expect(result.code == 65)
        #expect(
            result.stderr.contains("providers[0].pricing.models[0].input: must not be negative"), "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "providers[0].pricing.models[1].input: '0.0000001' usd_per_mtok is finer than one pico-USD"))
        #expect(result.stderr.contains("providers[0].pricing.models[3]: duplicate row for model 'm3'"))
        #expect(!result.stderr.contains("models[4]"))  // one pico-USD per token is exact
        #expect(!result.stderr.contains("models[2]."))

        let repeated = try await check(
            """
            {"providers": [
              {"key": "t", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1",
               "timeout": "30s", "region": {"region": "eu"}, "timeout": "1s"}
            ]}
            """)
        #expect(repeated.code == 65)
        #expect(repeated.stderr.contains("duplicate member providers[0].timeout"), "\(repeated.stderr)")
        #expect(repeated.stderr.contains("line 3"))
    }

    @Test("the shipped registry passes every check")
    func shippedRegistry() async throws {
        let result = try await BrokerProcess.run([
            "providers", "check", "--registry",
            BrokerProcess.repositoryRoot.appendingPathComponent("provider_registry.json").path,
        ])
        #expect(result.code == 0, "\(result.stderr)")
    }
}
