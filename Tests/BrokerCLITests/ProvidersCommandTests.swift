import Foundation
import Testing

@Suite("broker providers")
struct ProvidersCommandTests {
    @Test("providers check lists every problem with its path and exits 65")
    func checkListsAllProblems() async throws {
        let dir = try BrokerProcess.temporaryDirectory()
        let registry = dir.appendingPathComponent("reg.json")
        try """
        {"providers": [
          {"key": "good", "adapter": "openai-compatible", "base_url": "https://api.example.com/v1"},
          {"key": "plain", "adapter": "openai-compatible", "base_url": "http://api.example.com/v1"},
          {"key": "leaky", "adapter": "openai-compatible", "base_url": "https://x.example.com", "auth_env": "hf_abcdefghijklmnop-qrstuvwxyz0123"},
          {"key": "odd", "adapter": "carrier-pigeon", "base_url": "https://p.example.com"}
        ]}
        """.write(to: registry, atomically: true, encoding: .utf8)
        let result = try await BrokerProcess.run(["providers", "check", "--registry", registry.path])
        #expect(result.code == 65)
        #expect(result.stderr.contains("providers[1].base_url: must be https unless the host is loopback"))
        #expect(result.stderr.contains("providers[2].auth_env: looks like a literal credential"))
        #expect(result.stderr.contains("providers[3].adapter: unknown adapter kind 'carrier-pigeon'; known kinds:"))
        #expect(result.stderr.contains("3 problems"))
        // The literal credential is never echoed back.
        #expect(!result.stderr.contains("hf_abcdefghijklmnop-qrstuvwxyz0123"))
    }

    @Test(
        "providers check refuses plain http to a name that only starts with 127. (the transport would refuse every call)"
    )
    func checkUsesTheTransportsLoopbackRule() async throws {
        let dir = try BrokerProcess.temporaryDirectory()
        let registry = dir.appendingPathComponent("reg.json")
        try """
        {"providers": [
          {"key": "home", "adapter": "openai-compatible", "base_url": "http://127.0.0.1:9/v1", "pricing": {"source": "none"}},
          {"key": "named", "adapter": "openai-compatible", "base_url": "http://127.example.com/v1", "pricing": {"source": "none"}},
          {"key": "sub", "adapter": "openai-compatible", "base_url": "http://api.localhost/v1", "pricing": {"source": "none"}}
        ]}
        """.write(to: registry, atomically: true, encoding: .utf8)
        let result = try await BrokerProcess.run(["providers", "check", "--registry", registry.path])
        #expect(result.code == 65)
        #expect(
            result.stderr.contains(
                "providers[1].base_url: must be https unless the host is loopback (got 'http://127.example.com')"))
        #expect(
            result.stderr.contains(
                "providers[2].base_url: must be https unless the host is loopback (got 'http://api.localhost')"))
        #expect(!result.stderr.contains("providers[0]"))
        #expect(result.stderr.contains("2 problems"))
    }

    @Test("a registry that is not JSON names the file and line")
    func malformedRegistry() async throws {
        let dir = try BrokerProcess.temporaryDirectory()
        let registry = dir.appendingPathComponent("broken.json")
        try "{\n  \"providers\": [\n    {\"key\": }\n  ]\n}\n".write(to: registry, atomically: true, encoding: .utf8)
        let result = try await BrokerProcess.run(["providers", "--registry", registry.path])
        #expect(result.code == 65)
        #expect(result.stderr.contains("broken.json"))
        #expect(result.stderr.contains("line 3"))
    }

    @Test("bad usage exits 64 with one line")
    func badUsage() async throws {
        let result = try await BrokerProcess.run(["market", "--no-such-flag"])
        #expect(result.code == 64)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("unknown option '--no-such-flag'"))
        let unknown = try await BrokerProcess.run(["frobnicate"])
        #expect(unknown.code == 64)
    }

    @Test("--help on every command prints its options and exits 0")
    func helpEverywhere() async throws {
        for command in [["providers"], ["providers", "check"], ["refresh"], ["market"], ["run"], ["batch"], ["usage"]] {
            let result = try await BrokerProcess.run(command + ["--help"])
            #expect(result.code == 0, "\(command)")
            // DESIGN.md's synopsis: global options first, then the command words.
            #expect(result.stdout.contains("USAGE: broker [--registry PATH] [--store PATH] "), "\(command)")
            #expect(result.stdout.contains("] \(command.joined(separator: " "))"), "\(command)")
        }
        let market = try await BrokerProcess.run(["market", "--help"])
        #expect(market.stdout.contains("--max-input-price USD_PER_MTOK"))
        let version = try await BrokerProcess.run(["--version"])
        #expect(version.code == 0)
        #expect(version.stdout.hasPrefix("broker "))
    }

    @Test("providers shows kind, base URL, region and whether the credential is set, never its value")
    func providersListing() async throws {
        let dir = try BrokerProcess.temporaryDirectory()
        let registry = dir.appendingPathComponent("reg.json")
        try """
        {"providers": [
          {"key": "euro", "adapter": "openai-compatible", "base_url": "https://eu.example.com/v1", "auth_env": "EURO_KEY",
           "region": {"region": "eu", "countries": ["FR"]}},
          {"key": "home", "adapter": "openai-compatible", "base_url": "http://127.0.0.1:9/v1", "enabled": false,
           "region": {"region": "local"}, "pricing": {"source": "none"}}
        ]}
        """.write(to: registry, atomically: true, encoding: .utf8)
        let secret = "sk-test-secret-value-123456789"
        let result = try await BrokerProcess.run(
            [
                "providers", "--registry", registry.path, "--format", "json", "--store",
                dir.appendingPathComponent("m.sqlite3").path,
            ],
            environment: ["EURO_KEY": secret])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(!result.stdout.contains(secret))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[0]["provider"] as? String == "euro")
        #expect(rows[0]["adapter"] as? String == "openai-compatible")
        #expect(rows[0]["region"] as? String == "eu")
        #expect(rows[0]["credential"] as? String == "set")
        #expect(rows[0]["compliance"] as? [String] == ["eu-residency", "gdpr"])
        #expect(rows[1]["enabled"] as? Bool == false)
        #expect(rows[1]["compliance"] as? [String] == ["local", "no-egress"])
        let csv = try await BrokerProcess.run(["providers", "--registry", registry.path, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("provider,adapter,base_url,region"))
    }
}

@Suite("the shipped registry")
struct ShippedRegistryTests {
    @Test("broker providers check passes on the shipped provider_registry.json")
    func shippedRegistryIsValid() async throws {
        let path = BrokerProcess.repositoryRoot.appendingPathComponent("provider_registry.json").path
        let result = try await BrokerProcess.run(["providers", "check", "--registry", path])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ok (23 providers, 22 enabled"))
        let list = try await BrokerProcess.run(["providers", "--registry", path, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let keys = rows.compactMap { $0["provider"] as? String }
        #expect(
            keys == [
                "huggingface", "openrouter", "together", "deepinfra", "cerebras", "novita", "groq", "fireworks",
                "mistral", "scaleway", "ovhcloud", "ollama",
                // GPU compute sources and the ECB's reference rates.
                "hf-endpoints", "gpuhunt-aws", "gpuhunt-azure", "gpuhunt-gcp", "gpuhunt-runpod", "gpuhunt-lambdalabs",
                "gpuhunt-nebius", "gpuhunt-verda", "vast", "scaleway-gpu", "ecb",
            ])
        // Every default points at the real hosts over https (the local server excepted).
        #expect(
            rows.allSatisfy {
                ($0["base_url"] as? String)?.hasPrefix("https://") == true || $0["provider"] as? String == "ollama"
            })
    }
}
